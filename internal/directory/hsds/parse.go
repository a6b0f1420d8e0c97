package hsds

import (
	"fmt"
	"io"

	jsonv2 "github.com/go-json-experiment/json"
)

// ParseDataset reads one directory file strictly: member names must match the
// HSDS spelling exactly (case-sensitive), unknown members, duplicate members,
// invalid UTF-8 and trailing data are all errors. It does not apply the
// directory rules; call Validate (and ValidateSchema) on the result.
func ParseDataset(r io.Reader) (*Dataset, error) {
	var d Dataset
	err := jsonv2.UnmarshalRead(r, &d,
		jsonv2.RejectUnknownMembers(true),
		jsonv2.MatchCaseInsensitiveNames(false),
	)
	if err != nil {
		return nil, fmt.Errorf("hsds: parse dataset: %w", err)
	}
	return &d, nil
}
