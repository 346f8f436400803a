//go:build linux

package diskguard

// Whole-device sampling: what no fixed region covers (data written past the
// filesystem heads, a filesystem at an offset nobody guessed) is looked for
// by reading a little at regular intervals over the whole device.
const (
	// sampleStride is the distance between samples. At 64 MiB a 1 TiB disk
	// takes 16384 reads of sampleLen, 64 MiB in all, which a cloud disk
	// serves in seconds; any run of data at least this long is always seen.
	sampleStride = 64 << 20
	// sampleLen is read at each sample: one page, aligned, so a filesystem
	// or partition starting at a multiple of the stride shows its
	// superblock (XFS at +0, ext at +1 KiB).
	sampleLen = 4 << 10
	// maxSamples bounds the work on very large devices: past 2 TiB the
	// stride grows instead, so the check stays at a few seconds.
	maxSamples = 1 << 15
	// sampleBatch is how many samples are read before looking at them, so
	// a non-blank device stops the sampling early while the reads still
	// overlap.
	sampleBatch = 1024
)

// samplePlan says where the samples of a device go: sample k (1 ≤ k ≤
// count) is at k × stride. Sample 0 would be inside the head.
type samplePlan struct {
	size   int64
	stride int64
	count  int64
}

// planSamples spreads samples over a device of the given size.
func planSamples(size int64) samplePlan {
	stride := int64(sampleStride)
	if size/stride > maxSamples {
		// Round up to whole MiB so samples stay page- and MiB-aligned.
		stride = ((size/maxSamples)>>20 + 1) << 20
	}
	if size <= 0 {
		return samplePlan{size: size, stride: stride}
	}
	return samplePlan{size: size, stride: stride, count: (size - 1) / stride}
}

// sample returns sample k, clipped to the device.
func (p samplePlan) sample(k int64) region {
	r, _ := region{off: k * p.stride, n: sampleLen, class: RegionSample}.clip(p.size)
	return r
}
