package synth

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/directory/seed"
)

func vocabulary(t *testing.T) Vocabulary {
	d, err := hsds.ParseDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		t.Fatal(err)
	}
	return Vocabulary{Taxonomies: d.Taxonomies, Terms: d.TaxonomyTerms}
}

func TestDatasetIsValidHSDSAndRepeatable(t *testing.T) {
	v := vocabulary(t)
	d := Dataset(v, 300, 1)
	n := 0
	for _, o := range d.Organizations {
		n += len(o.Services)
	}
	if n != 300 {
		t.Fatalf("%d services, want 300", n)
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("synthetic directory breaks the rules: %v", err)
	}
	if err := d.ValidateSchema(); err != nil {
		t.Fatalf("synthetic directory is not HSDS: %v", err)
	}
	if !reflect.DeepEqual(d, Dataset(v, 300, 1)) {
		t.Error("the same seed gave a different directory")
	}
	if reflect.DeepEqual(d, Dataset(v, 300, 2)) {
		t.Error("different seeds gave the same directory")
	}
}
