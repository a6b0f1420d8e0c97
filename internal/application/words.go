package application

import (
	"time"

	"github.com/psu-project/psu/internal/pages"
)

// policyVersion is recorded with each consent to the confidentiality policy.
const policyVersion = pages.ConfidentialityPolicyVersion

var london = loadLondon()

func loadLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return l
}
