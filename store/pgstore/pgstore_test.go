package pgstore_test

import (
	"testing"

	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
	"github.com/driftless/driftless/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := newStore(t, pgstore.Config{})
		return s
	})
}
