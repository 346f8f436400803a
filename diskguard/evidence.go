//go:build linux

package diskguard

import (
	"fmt"
	"strings"
)

// Evidence records what a check read: the basis of its decision, so a
// refusal or a format can be explained and audited afterwards.
type Evidence struct {
	// Size is the size of the device in bytes.
	Size int64
	// Reads counts what was read, by region class, in reading order.
	Reads []ClassReads
	// BytesRead is the number of bytes read in all.
	BytesRead int64
	// SampleStride is the distance between the whole-device samples, or 0
	// if there were none: sampling only runs when every fixed region is
	// zero, and a device smaller than the stride has no samples.
	SampleStride int64
}

// ClassReads is how many regions of one class a check read, and how many
// bytes they held.
type ClassReads struct {
	// Class is the kind of region.
	Class RegionClass
	// Regions is how many such regions were read.
	Regions int
	// Bytes is how many bytes they held. It can be less than the regions'
	// nominal length where a device ends early.
	Bytes int64
}

// record adds the parts just read.
func (e *Evidence) record(parts []part) {
	for _, p := range parts {
		n := int64(len(p.data))
		e.BytesRead += n
		c := e.class(p.region.class)
		c.Regions++
		c.Bytes += n
	}
}

// class returns the counter for a region class, adding it if this is the
// first read of that class.
func (e *Evidence) class(c RegionClass) *ClassReads {
	for i := range e.Reads {
		if e.Reads[i].Class == c {
			return &e.Reads[i]
		}
	}
	e.Reads = append(e.Reads, ClassReads{Class: c})
	return &e.Reads[len(e.Reads)-1]
}

// Regions is the number of regions read in all.
func (e Evidence) Regions() int {
	n := 0
	for _, r := range e.Reads {
		n += r.Regions
	}
	return n
}

// String summarises the evidence on one line, e.g. "read 1.95 MiB in 88
// regions of a 300 MiB device: head 1 (1.07 MiB), ..., sample 4 every
// 64 MiB (16 KiB)".
func (e Evidence) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %s in %d regions of a %s device", humanBytes(e.BytesRead), e.Regions(), humanBytes(e.Size))
	for i, r := range e.Reads {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		b.WriteString(sep)
		b.WriteString(r.describe(e.SampleStride))
	}
	return b.String()
}

// describe says what one class's reads were, e.g. "ext backup superblock
// 54 (216 KiB)"; stride is the sampling stride, named for samples.
func (r ClassReads) describe(stride int64) string {
	every := ""
	if r.Class == RegionSample && stride > 0 {
		every = " every " + humanBytes(stride)
	}
	return fmt.Sprintf("%s %d%s (%s)", r.Class, r.Regions, every, humanBytes(r.Bytes))
}
