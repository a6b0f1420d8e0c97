package application

import (
	"bytes"
	"errors"

	"github.com/psu-project/psu/internal/upload"
)

// Content types of the documents we accept, as internal/upload decides
// them.
const (
	typePDF  = upload.TypePDF
	typeDOCX = upload.TypeDOCX
	typeJPEG = upload.TypeJPEG
	typePNG  = upload.TypePNG
)

// fileProblem is why a file was refused, in words for the person who sent
// it (the file name is already in the message).
type fileProblem string

// checkFile runs a document already in memory through internal/upload:
// the file as it is to be stored (cleaned name, type decided by its
// parser, photos re-encoded), or why it cannot be accepted.
func checkFile(name string, b []byte) (upload.Checked, fileProblem) {
	c, err := upload.Check(bytes.NewReader(b), name, MaxFileSize)
	var refused *upload.Error
	if errors.As(err, &refused) {
		return upload.Checked{}, fileProblem(refused.Message())
	}
	// Reading from memory cannot fail; were it to, the file is not
	// accepted.
	if err != nil {
		return upload.Checked{}, fileProblem(upload.CleanName(name) + " could not be read. Try uploading it again.")
	}
	return c, ""
}
