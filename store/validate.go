package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/driftless/driftless/hoststate"
)

// ValidID returns an error matching ErrInvalidRecord unless id is a
// storable host id: non-empty, valid UTF-8 without control characters, at
// most MaxIDLen bytes, and addressable as one URL path segment — not "."
// or ".." (dot segments URL resolution removes) nor "/" (a path of empty
// segments a router does not route), so every stored host can be reached
// through an HTTP API.
func ValidID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty id", ErrInvalidRecord)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: id of %d bytes (at most %d)", ErrInvalidRecord, len(id), MaxIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: id is not valid UTF-8", ErrInvalidRecord)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: id holds a control character", ErrInvalidRecord)
	case id == "." || id == ".." || id == "/":
		return fmt.Errorf("%w: id %q is no URL path segment", ErrInvalidRecord, id)
	}
	return nil
}

// ValidRecord returns an error matching ErrInvalidRecord unless rec can be
// stored. Every Store checks writes with it, so all refuse alike.
func ValidRecord(rec hoststate.Record) error {
	if err := ValidID(rec.ID); err != nil {
		return err
	}
	if !rec.Status.Valid() {
		return fmt.Errorf("%w: %q has status %v", ErrInvalidRecord, rec.ID, rec.Status)
	}
	return nil
}

// ValidReport returns an error matching ErrInvalidRecord unless r's fields
// are within the report limits.
func ValidReport(r Report) error {
	if len(r.State) > MaxReportState || len(r.Address) > MaxReportAddress || !utf8.ValidString(r.State) || !utf8.ValidString(r.Address) {
		return fmt.Errorf("%w: connector report fields too long or not UTF-8", ErrInvalidRecord)
	}
	return nil
}
