// Package directory is the support directory: every service from the unit's
// source documents, stored as Open Referral HSDS 3.0 records, searched by
// need, shown on the public pages (/services, /my-list) and served as an
// HSDS 3.0 API under /api/hsds.
//
// The embedded seed (package seed) is loaded the first time psu starts on a
// database. psu directory import and export move the whole directory in and
// out as one HSDS JSON file (hsds.Dataset).
package directory
