package store

import (
	"fmt"
	"unicode/utf8"

	"github.com/driftless/driftless/hoststate"
)

// ValidID returns an error matching ErrInvalidRecord unless id is a
// storable host id: non-empty, valid UTF-8, at most MaxIDLen bytes.
func ValidID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty id", ErrInvalidRecord)
	case len(id) > MaxIDLen:
		return fmt.Errorf("%w: id of %d bytes (at most %d)", ErrInvalidRecord, len(id), MaxIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: id is not valid UTF-8", ErrInvalidRecord)
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
