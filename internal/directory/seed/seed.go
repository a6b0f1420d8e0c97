// Package seed holds the support directory's source data, embedded into the
// binary: directory.json (an hsds.Dataset: organisations, services,
// taxonomies and resources) and synonyms.json (the words trainees type,
// mapped to "needs" taxonomy term codes).
//
// Both files are edited by hand; ids in directory.json never change once
// written. Parse Directory with hsds.ParseDataset.
package seed

import _ "embed"

// Directory is directory.json: the complete support directory in the
// hsds.Dataset file format.
//
//go:embed directory.json
var Directory []byte

// Synonyms is synonyms.json:
//
//	{"version":1,"needs":[{"code":"crisis","phrases":[...],"priority_24h":true}, ...]}
//
// Each code is a "needs" term code in Directory. priority_24h marks needs for
// which services open 24 hours a day go to the top of results.
//
//go:embed synonyms.json
var Synonyms []byte
