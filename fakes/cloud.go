package fakes

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Cloud is an in-memory simulated cloud holding hosts of every kind, with
// each provider's own semantics and raw status strings, driven by a fake
// clocktest.Clock and deterministic from a seed. States evolve lazily: each VM and
// volume has its current raw status and the steps scheduled ahead, applied
// whenever the host is read, so advancing the clock costs nothing.
//
// Tests set up ground truth with [Cloud.AddHost], talk to it through
// [Cloud.Provider] (real provider.Provider implementations), cause drift
// with external events ([Cloud.ConsoleStop], [Cloud.Preempt], ...), inject
// faults with [Cloud.SetFaults], and check results against [Cloud.Truth]
// and [Cloud.Calls]. HTTP emulators build on the raw API ([Cloud.RawVM],
// [Cloud.Act], [Cloud.InjectFault], ...), which the in-process providers
// use too, so the semantics exist once.
//
// A Cloud is safe for concurrent use; one mutex guards it.
type Cloud struct {
	clock    *clocktest.Clock
	pageSize int

	mu       sync.Mutex
	kinds    map[string]*kindState
	nextAddr uint32
	nextOp   uint64
	nextVMID uint64
	ops      map[string]*opState
}

// kindState is the part of the cloud of one kind.
type kindState struct {
	spec *kindSpec
	// hosts by instance, and by volume for kinds with a volume.
	hosts   map[string]*host
	volumes map[string]*host
	// scopes lists the hosts of each listing scope (the adapter's
	// Lister.Scope); all lists every host.
	scopes    map[string]*hostList
	all       hostList
	durations Durations
	faults    Faults
	// draws is the kind-wide fault stream (emulators' calls, listings);
	// hostDraws are each host's own, for what is drawn on a host's behalf,
	// so concurrent calls about different hosts draw the same faults
	// whatever their interleaving.
	draws     *draws
	hostDraws map[string]*draws
	seed      uint64
	calls     CallCounts
}

// draws is one seeded fault stream and its 429 burst.
type draws struct {
	rng *rand.Rand
	// burst counts the 429 answers left in the current burst.
	burst int
}

// forHost returns the fault stream of the host named instance, creating
// it from the cloud's seed, the kind and the name.
func (ks *kindState) forHost(instance string) *draws {
	d := ks.hostDraws[instance]
	if d == nil {
		h := fnv.New64a()
		h.Write([]byte(ks.spec.name()))
		h.Write([]byte{0})
		h.Write([]byte(instance))
		d = &draws{rng: rand.New(rand.NewPCG(ks.seed, h.Sum64()))}
		ks.hostDraws[instance] = d
	}
	return d
}

// host is one host's ground truth.
type host struct {
	ref     provider.Host
	vm, vol resource
	// online is the self-host connector's reachability.
	online bool
	// detached: the data volume was detached from the VM behind our back
	// (it exists, but the VM does not hold it) until a VM is created or
	// started around it again.
	detached bool
	// localSSD: the VM has Local SSDs (a GCP stop must say what becomes of
	// them).
	localSSD bool
}

func (h *host) advance(now time.Time) {
	h.vm.advance(now)
	h.vol.advance(now)
}

// hostList keeps hosts sorted by instance, sorting lazily only after an
// out-of-order insertion, so listings never sort per call.
type hostList struct {
	hosts  []*host
	sorted bool
}

func (l *hostList) add(h *host) {
	n := len(l.hosts)
	if n == 0 || (l.sorted && l.hosts[n-1].ref.Instance < h.ref.Instance) {
		l.sorted = true
	} else {
		l.sorted = false
	}
	l.hosts = append(l.hosts, h)
}

func (l *hostList) get() []*host {
	if !l.sorted {
		slices.SortFunc(l.hosts, func(a, b *host) int { return cmp.Compare(a.ref.Instance, b.ref.Instance) })
		l.sorted = true
	}
	return l.hosts
}

// Option configures a Cloud.
type Option func(*config)

type config struct {
	pageSize  int
	durations Durations
}

// WithPageSize sets how many hosts a ListPage covers (default 50; values
// below 1 keep the default).
func WithPageSize(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.pageSize = n
		}
	}
}

// WithDurations sets the transition durations of every kind (default
// [DefaultDurations]); [Cloud.SetDurations] changes one kind later.
func WithDurations(d Durations) Option {
	return func(c *config) { c.durations = d.sanitized() }
}

// DefaultPageSize is the listing page size of a Cloud without WithPageSize.
const DefaultPageSize = 50

// NewCloud returns an empty cloud on clock whose faults are drawn from seed.
// A nil clock gets a new Clock at the Unix epoch.
func NewCloud(clock *clocktest.Clock, seed int64, opts ...Option) *Cloud {
	cfg := config{pageSize: DefaultPageSize, durations: DefaultDurations()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if clock == nil {
		clock = clocktest.New(time.Unix(0, 0).UTC())
	}
	c := &Cloud{clock: clock, pageSize: cfg.pageSize, kinds: map[string]*kindState{}, ops: map[string]*opState{}}
	for i, spec := range newKindSpecs() {
		c.kinds[spec.name()] = &kindState{
			spec:      spec,
			hosts:     map[string]*host{},
			volumes:   map[string]*host{},
			scopes:    map[string]*hostList{},
			durations: cfg.durations,
			// One stream per kind keeps a kind's faults independent of
			// how calls to other kinds interleave with its own.
			draws:     &draws{rng: rand.New(rand.NewPCG(uint64(seed), uint64(i+1)))},
			hostDraws: map[string]*draws{},
			seed:      uint64(seed),
			calls:     CallCounts{},
		}
	}
	return c
}

// Clock returns the clock the cloud runs on.
func (c *Cloud) Clock() *clocktest.Clock { return c.clock }

// AddHost creates the ground truth of one host of kind: its VM running or
// not, and its data volume where the kind has one. Not running means what
// the provider shows for a stopped host: gcp TERMINATED, nebius STOPPED,
// selfhost stopped, hyperstack no VM and an available volume, lambda
// nothing at all (a stopped lambda host is deprovisioned). h must be valid
// for the kind, as the Validate method of [Cloud.Provider] checks, and its
// instance and volume must be new to the kind.
func (c *Cloud) AddHost(kind string, h provider.Host, running bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return err
	}
	if err := ks.spec.facts.Validate(h); err != nil {
		return fmt.Errorf("fakes: add host: %w", err)
	}
	if _, dup := ks.hosts[h.Instance]; dup {
		return fmt.Errorf("%w: %s instance %q", ErrDuplicateHost, kind, h.Instance)
	}
	if _, dup := ks.volumes[h.Volume]; dup && ks.spec.hasVolume() {
		return fmt.Errorf("%w: %s volume %q", ErrDuplicateHost, kind, h.Volume)
	}
	now := c.clock.Now()
	x := &host{ref: h, online: true}
	x.ref.Labels = maps.Clone(h.Labels)
	vm, vol := ks.spec.initial(running)
	if vm != "" {
		x.vm = resource{status: vm, exists: true, bornAt: now,
			id: c.newVMIDLocked(ks, h.Instance, true), labels: provider.OwnershipLabels(h)}
		if ks.spec.vmState(vm) == hoststate.VMRunning {
			x.vm.addr, x.vm.addrAt = c.allocAddrLocked(), now
		}
	}
	if ks.spec.hasVolume() {
		x.vol = resource{status: vol, exists: vol != "", bornAt: now}
		ks.volumes[h.Volume] = x
	}
	ks.hosts[h.Instance] = x
	ks.all.add(x)
	if ks.spec.facts.Scope != nil {
		scope := ks.spec.facts.Scope(h)
		l := ks.scopes[scope]
		if l == nil {
			l = &hostList{}
			ks.scopes[scope] = l
		}
		l.add(x)
	}
	return nil
}

// SetDurations replaces the transition durations of kind, or of every kind
// when kind is [All]. Transitions already scheduled keep their times.
func (c *Cloud) SetDurations(kind string, d Durations) error {
	d = d.sanitized()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.eachKindLocked(kind, func(ks *kindState) { ks.durations = d })
}

func (c *Cloud) kindLocked(kind string) (*kindState, error) {
	ks, ok := c.kinds[kind]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownKind, truncate(kind))
	}
	return ks, nil
}

func (c *Cloud) eachKindLocked(kind string, f func(*kindState)) error {
	if kind == All {
		for _, k := range Kinds() {
			f(c.kinds[k])
		}
		return nil
	}
	ks, err := c.kindLocked(kind)
	if err != nil {
		return err
	}
	f(ks)
	return nil
}

// hostLocked finds the host of kind named by instance, advanced to now.
func (c *Cloud) hostLocked(kind, instance string, now time.Time) (*kindState, *host, error) {
	ks, err := c.kindLocked(kind)
	if err != nil {
		return nil, nil, err
	}
	h := ks.hosts[instance]
	if h == nil {
		return ks, nil, fmt.Errorf("%w: %s instance %q", ErrUnknownHost, kind, truncate(instance))
	}
	h.advance(now)
	return ks, h, nil
}

// newVMIDLocked returns the id of a new VM of the host named instance, as
// the kind's provider would make it; first is the VM AddHost creates.
func (c *Cloud) newVMIDLocked(ks *kindState, instance string, first bool) string {
	c.nextVMID++
	return ks.spec.vmID(instance, c.nextVMID, first)
}

// allocAddrLocked returns the next deterministic address (10.0.0.1, ...);
// every VM that starts gets a new one, as ephemeral public IPs do.
func (c *Cloud) allocAddrLocked() string {
	c.nextAddr++
	n := c.nextAddr
	return fmt.Sprintf("10.%d.%d.%d", byte(n>>16), byte(n>>8), byte(n))
}

// truncate bounds caller text quoted into errors.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
