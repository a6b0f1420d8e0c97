package directory

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/directory/synth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// relevance is what trainees really type, with the service that must come
// back near the top. top is how high it must be (1 = first).
var relevance = []struct {
	query string
	want  string
	top   int
}{
	// Crisis: the 24-hour lines first.
	{"suicidal", "BMA Counselling Service and Doctors Advisory Service", 1},
	{"can't cope", "BMA Counselling Service and Doctors Advisory Service", 1},
	{"I can’t cope anymore", "Sick Doctors Trust", 2},
	{"I want to kill myself", "BMA Counselling Service and Doctors Advisory Service", 1},
	{"self harm", "BMA Counselling Service and Doctors Advisory Service", 1},
	// Alcohol and drugs.
	{"drinking too much", "Sick Doctors Trust", 3},
	{"booze", "British Doctors and Dentists Group", 3},
	{"cocaine", "Sick Doctors Trust", 6},
	{"alcohol problem", "Alcoholics Anonymous", 3},
	// Gambling and money.
	{"gambling debts", "Gamcare", 3},
	{"betting", "National Gambling Helpline", 3},
	{"can't pay rent", "Royal Medical Foundation", 5},
	{"money worries", "BMA Charities", 5},
	{"debt", "Royal Medical Benevolent Fund", 5},
	{"GP in financial hardship", "Cameron Fund", 5},
	// Regulators, complaints and the law.
	{"GMC investigation", "BMA Doctor support service", 3},
	{"tribunal hearing", "MPTS Doctor Contact Service", 3},
	{"suspended", "Doctors Support Group", 3},
	{"complaint from patient", "Medical defence organisation support", 1},
	{"coroner", "Medical defence organisation support", 3},
	// Work.
	{"being bullied by my consultant", "LetsRemoveIt", 3},
	{"whistleblowing", "Freedom to Speak up Guardians (England)", 1},
	{"rota too many hours", "Guardian of safe working", 3},
	{"pregnant", "Advice and support for trainees", 1},
	// Training, exams, careers.
	{"failed exam again", "Individual Support Team", 3},
	{"MRCP", "Individual Support Team", 3},
	{"ARCP outcome 3", "Individual Support Team", 5},
	{"career change", "PSU London careers advice", 3},
	{"leave medicine", "PSU London careers advice", 3},
	{"mentor", "PSU London coaching and mentoring", 3},
	// Health and identity.
	{"dyslexia", "Individual Support Team", 1},
	{"ADHD", "Individual Support Team", 1},
	{"gay doctor", "GLADD (The association of LGBT doctors and dentists)", 1},
	{"trans", "GLADD (The association of LGBT doctors and dentists)", 1},
	{"disabled doctor", "Hope 4 Medics", 3},
	{"burnout", "NHS Practitioner Health", 6},
	{"depressed", "DocHealth", 5},
	{"counselling", "BMA Counselling Service and Doctors Advisory Service", 1},
	{"psychiatrist support", "Psychiatrists' support service", 1},
	{"surgeon", "Royal College of Surgeons Confidential Support and Advice Services for Surgeons (CSAS)", 1},
	{"occupational health", "Occupational Health Department", 1},
	// Names and places typed directly.
	{"Sick Doctors Trust", "Sick Doctors Trust", 1},
	{"practitioner health", "NHS Practitioner Health", 1},
	{"Gamcare", "Gamcare", 1},
	{"KSS", "KSS Professional Support & Wellbeing Service", 1},
	{"Wales", "Wales Deanery Professional Support Unit", 2},
	{"Scotland", "Scotland Deanery support for trainees", 1},
	// Misspelt.
	{"sucidal", "BMA Counselling Service and Doctors Advisory Service", 1},
	{"gamblling", "Gamcare", 4},
	{"alchohol", "Sick Doctors Trust", 3},
	{"dyslexa", "Individual Support Team", 1},
	{"finacial hardship", "Royal Medical Foundation", 4},
}

func TestSearchRelevance(t *testing.T) {
	if len(relevance) < 30 {
		t.Fatalf("only %d relevance cases; keep at least 30", len(relevance))
	}
	seeded(t, func(t *testing.T, db *store.DB) {
		ix := NewIndex()
		for _, tc := range relevance {
			names := names(t, ix, db, Query{Text: tc.query, Limit: 10, Usable: true})
			if i := slices.Index(names, tc.want); i < 0 || i >= tc.top {
				t.Errorf("%q: %q is at %d, want in the top %d; got %q", tc.query, tc.want, i+1, tc.top, names)
			}
		}
	})
}

func TestCrisisPutsTwentyFourHourLinesFirst(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, q := range []string{"suicidal", "can't cope", "cant cope", "I feel desperate and drink too much"} {
			res, err := NewIndex().Search(ctx, db, Query{Text: q, Limit: 5, Usable: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(res.Needs, "crisis") {
				t.Errorf("%q was not read as a crisis: needs %v", q, res.Needs)
			}
			cards, err := Cards(ctx, db, res.IDs)
			if err != nil {
				t.Fatal(err)
			}
			if len(cards) < 2 || !cards[0].Open24h || !cards[1].Open24h {
				t.Errorf("%q: the first two results are not the 24-hour lines: %+v", q, cards)
			}
		}
	})
}

func TestSearchCorrectsTypos(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for typed, want := range map[string]string{
			"sucidal":          "suicidal",
			"gamblling":        "gambling",
			"dyslexa":          "dyslexia",
			"psychiatrst help": "psychiatrist help",
		} {
			res, err := NewIndex().Search(ctx, db, Query{Text: typed})
			if err != nil {
				t.Fatal(err)
			}
			if res.Corrected != want {
				t.Errorf("%q corrected to %q, want %q", typed, res.Corrected, want)
			}
		}
		// Words the directory knows, short words and everyday words are
		// left alone.
		for _, typed := range []string{"gambling", "GMC", "drinking too much", "bma"} {
			res, err := NewIndex().Search(ctx, db, Query{Text: typed})
			if err != nil {
				t.Fatal(err)
			}
			if res.Corrected != "" {
				t.Errorf("%q was corrected to %q", typed, res.Corrected)
			}
		}
	})
}

func TestSearchFiltersCombine(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v, err := loadVocabulary(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		id := func(code string) string { return v.byCode[code].ID }
		ix := NewIndex()
		names := func(q Query) []string {
			t.Helper()
			q.Limit = 100
			out := names(t, ix, db, q)
			if res, _ := ix.Search(ctx, db, q); res.Total != len(out) {
				t.Errorf("total %d but %d services", res.Total, len(out))
			}
			return out
		}
		gambling := names(Query{TermSets: [][]string{{id("gambling")}}})
		phone := names(Query{TermSets: [][]string{{id("phone-line")}}})
		both := names(Query{TermSets: [][]string{{id("gambling")}, {id("phone-line")}}})
		if len(both) == 0 {
			t.Fatal("no gambling services with a phone line")
		}
		for _, n := range both {
			if !slices.Contains(gambling, n) || !slices.Contains(phone, n) {
				t.Errorf("%q is in the AND of the filters but not in each", n)
			}
		}
		for _, n := range gambling {
			if slices.Contains(phone, n) && !slices.Contains(both, n) {
				t.Errorf("%q is in both filters but not in their AND", n)
			}
		}
		// A region takes in the wider areas around it: London shows
		// services for London, England and the whole UK, not Wales.
		london := names(Query{TermSets: [][]string{v.ancestors(v.byCode["london"])}})
		for _, want := range []string{"Individual Support Team", "NHS Practitioner Health", "Sick Doctors Trust"} {
			if !slices.Contains(london, want) {
				t.Errorf("London filter lacks %q", want)
			}
		}
		for _, not := range []string{"Canopi", "Wales Deanery Professional Support Unit", "KSS Professional Support & Wellbeing Service"} {
			if slices.Contains(london, not) {
				t.Errorf("London filter has %q", not)
			}
		}
		// Open 24 hours; open now at 3am on a Sunday.
		all24 := names(Query{Open24h: true})
		night := names(Query{OpenNow: true, Now: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)})
		want24 := []string{"BMA Counselling Service and Doctors Advisory Service", "Sick Doctors Trust"}
		if !slices.Equal(all24, want24) || !slices.Equal(night, want24) {
			t.Errorf("open 24 hours = %q, open at 3am = %q, want %q", all24, night, want24)
		}
		// Text and filters together.
		if got := names(Query{Text: "alcohol", Open24h: true}); !slices.Equal(got, []string{"Sick Doctors Trust"}) {
			t.Errorf("alcohol + open 24 hours = %q", got)
		}
		// Paging: a page past the end still knows the total.
		res, err := NewIndex().Search(ctx, db, Query{Text: "wellbeing", Limit: 5, Offset: 500})
		if err != nil || len(res.IDs) != 0 || res.Total == 0 {
			t.Errorf("page past the end: %d ids, total %d, %v", len(res.IDs), res.Total, err)
		}
	})
}

// sameAsExhaustive checks that keeping only the best candidates as they
// come ranks and counts q exactly as sorting every candidate does.
func sameAsExhaustive(t *testing.T, ix *Index, db *store.DB, q Query) {
	t.Helper()
	ctx := context.Background()
	fast, err := ix.Search(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	q.exhaustive = true
	full, err := ix.Search(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	if fast.Total != full.Total || !slices.Equal(fast.IDs, full.IDs) {
		t.Errorf("%q offset %d: fast gives %d %v, full gives %d %v", q.Text, q.Offset, fast.Total, fast.IDs, full.Total, full.IDs)
	}
}

func TestFastRankingIsExact(t *testing.T) {
	seeded(t, func(t *testing.T, db *store.DB) {
		ix := NewIndex()
		queries := []string{"Sick Doctors Trust", "gamcare", "xylophone"}
		for _, r := range relevance {
			queries = append(queries, r.query)
		}
		for _, text := range queries {
			for _, q := range []Query{
				{Text: text, Usable: true, Limit: 5},
				{Text: text, Usable: true, Limit: 3, Offset: 2},
				{Text: text, Limit: 50},
				{Text: text, Limit: 5, Offset: 200},
			} {
				sameAsExhaustive(t, ix, db, q)
			}
		}
	})
}

// TestFastRankingIsExactOnASyntheticDirectory repeats the check where ties
// and shared needs abound, with filters too.
func TestFastRankingIsExactOnASyntheticDirectory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := seedDataset(t)
		syn, err := ParseSynonyms(seed.Synonyms)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error { return ReplaceSynonyms(ctx, tx, syn) })
		if err != nil {
			t.Fatal(err)
		}
		big := synth.Dataset(synth.Vocabulary{Taxonomies: d.Taxonomies, Terms: d.TaxonomyTerms}, 600, 7)
		if _, err := Import(ctx, db, big, "synthetic", nil); err != nil {
			t.Fatal(err)
		}
		var phone string
		for _, term := range d.TaxonomyTerms {
			if term.Code == "phone-line" {
				phone = term.ID
			}
		}
		ix := NewIndex()
		for _, text := range benchQueries {
			for _, q := range []Query{
				{Text: text, Usable: true, Limit: 20},
				{Text: text, Limit: 10, Offset: 30},
				{Text: text, Usable: true, Open24h: true, Limit: 10},
				{Text: text, TermSets: [][]string{{phone}}, Limit: 10, Offset: 5},
			} {
				sameAsExhaustive(t, ix, db, q)
			}
		}
	})
}
