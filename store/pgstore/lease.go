package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/driftless/driftless/store"
)

// TryLease implements store.Leaser in one statement on the database's
// clock (now(), never the replica's): insert the lease, or take it over
// when it is the caller's own or has expired. A renewal keeps the epoch;
// every new grant takes the next one. The row of a key is kept after
// release, so epochs only grow.
func (s *Store) TryLease(ctx context.Context, key, owner string, ttl time.Duration) (store.Lease, bool, error) {
	if err := ctx.Err(); err != nil {
		return store.Lease{}, false, err
	}
	if key == "" || owner == "" || ttl <= 0 {
		return store.Lease{}, false, fmt.Errorf("%w: a lease needs a key, an owner and a positive ttl", store.ErrInvalidRecord)
	}
	if !storableText(key) || !storableText(owner) || len(key) > store.MaxIDLen || len(owner) > store.MaxIDLen {
		return store.Lease{}, false, fmt.Errorf("%w: a lease key and owner are UTF-8 without NUL, at most %d bytes", store.ErrInvalidRecord, store.MaxIDLen)
	}
	// Round the ttl up to whole microseconds: a lease never ends before
	// the caller asked.
	us := (ttl + precision - 1) / precision
	l := store.Lease{Key: key}
	var epoch int64
	err := s.pool.QueryRow(ctx, "INSERT INTO "+s.t.leases+" AS l (key, owner, epoch, expires) "+
		"VALUES ($1, $2, 1, now() + $3::bigint * interval '1 microsecond') "+
		"ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires = excluded.expires, "+
		"epoch = CASE WHEN l.owner = excluded.owner AND l.expires > now() THEN l.epoch ELSE l.epoch + 1 END "+
		"WHERE l.owner = excluded.owner OR l.expires <= now() "+
		"RETURNING owner, epoch, expires", key, owner, int64(us)).Scan(&l.Owner, &epoch, &l.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Lease{}, false, nil // another owner's unexpired lease
	}
	if err != nil {
		return store.Lease{}, false, fmt.Errorf("pgstore: lease %q: %w", boundedID(key), err)
	}
	l.Epoch, l.Expires = uint64(epoch), utc(l.Expires)
	return l, true, nil
}

// ReleaseLease implements store.Leaser: it ends the lease now if it is
// still at l's epoch, keeping the row (and so the epoch).
func (s *Store) ReleaseLease(ctx context.Context, l store.Lease) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !storableText(l.Key) || l.Epoch > 1<<63-1 {
		return nil // no such lease is held
	}
	if _, err := s.pool.Exec(ctx, "UPDATE "+s.t.leases+" SET expires = '-infinity' WHERE key = $1 AND epoch = $2",
		l.Key, int64(l.Epoch)); err != nil {
		return fmt.Errorf("pgstore: release lease %q: %w", boundedID(l.Key), err)
	}
	return nil
}
