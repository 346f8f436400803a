//go:build linux

package diskguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// readers is how many reads a check keeps in flight. Block devices, and
// cloud disks above all, serve queued reads in parallel; one read at a time
// would pay a full round trip for each of the thousands of samples of a
// large disk. io.ReaderAt allows parallel calls on one source.
const readers = 4

// part is the data read from one region; it may be shorter than the region
// when the device ended early.
type part struct {
	region region
	data   []byte
}

// regionReader reads batches of regions into buffers it keeps: one slab
// for all of a batch's data rather than one allocation per region, and the
// same slab for every batch of a check, not a fresh one per batch.
type regionReader struct {
	slab  []byte
	parts []part
}

// read reads every region from r, returning the parts in the order of
// regions whatever order the reads finished in, so results do not depend
// on scheduling. A read that stops at end of file is not an error: that
// part of a short device is not there. The parts are valid until the next
// read.
func (rr *regionReader) read(ctx context.Context, r io.ReaderAt, regions []region) ([]part, error) {
	var total int64
	for _, rg := range regions {
		total += rg.n
	}
	if int64(cap(rr.slab)) < total {
		rr.slab = make([]byte, total)
	}
	slab := rr.slab[:total]
	parts := rr.parts[:0]
	for _, rg := range regions {
		parts = append(parts, part{region: rg, data: slab[:rg.n:rg.n]})
		slab = slab[rg.n:]
	}
	rr.parts = parts

	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		failed   atomic.Bool
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
		failed.Store(true)
	}
	for range min(readers, len(regions)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(parts) {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(err)
					return
				}
				p := &parts[i]
				n, err := r.ReadAt(p.data, p.region.off)
				if err != nil && !errors.Is(err, io.EOF) {
					fail(fmt.Errorf("diskguard: read %d bytes at offset %#x (%s): %w", p.region.n, p.region.off, p.region, err))
					return
				}
				p.data = p.data[:n]
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return parts, nil
}
