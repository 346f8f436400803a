package providertest

import (
	"errors"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/provider"
)

// lister returns the adapter's Lister, or skips the case.
func (w *world) lister() provider.Lister {
	w.t.Helper()
	l, ok := w.Provider.(provider.Lister)
	if !ok {
		w.t.Skipf("%s does not list", w.facts.Name)
	}
	return l
}

// listHosts creates enough running hosts for three pages (five when the
// adapter lists in one page) and returns them.
func (w *world) listHosts() []provider.Host {
	n := 2*w.PageSize + 1
	if w.PageSize == 0 {
		n = 5
	}
	hosts := make([]provider.Host, n)
	for i := range hosts {
		hosts[i] = w.Host(i)
		w.create(hosts[i], true)
	}
	return hosts
}

// maxPages bounds a listing walk.
const maxPages = 1000

// walk lists scope from the first page to the last and returns the pages,
// or the first error.
func (w *world) walk(l provider.Lister, scope string) ([]provider.ListPage, error) {
	var pages []provider.ListPage
	token := ""
	for range maxPages {
		page, err := l.ListPage(w.ctx(), scope, token)
		if err != nil {
			return pages, err
		}
		pages = append(pages, page)
		if page.Next == "" {
			return pages, nil
		}
		if page.Next == token {
			w.t.Fatalf("ListPage repeats page token %q", token)
		}
		token = page.Next
	}
	w.t.Fatalf("the listing of %q does not end after %d pages", scope, maxPages)
	return nil, nil
}

// testListPages: a listing across several pages shows every host exactly
// as a probe does, and nothing else.
func testListPages(w *world) {
	l := w.lister()
	hosts := w.listHosts()
	scope := l.Scope(hosts[0])
	for _, h := range hosts[1:] {
		if l.Scope(h) != scope {
			w.t.Fatalf("Host(n) must share one scope: %q and %q", scope, l.Scope(h))
		}
	}
	pages, err := w.walk(l, scope)
	if err != nil {
		w.t.Fatalf("ListPage: %v", err)
	}
	if w.PageSize > 0 && len(pages) < 3 {
		w.t.Errorf("%d hosts at page size %d listed in %d pages, want at least 3", len(hosts), w.PageSize, len(pages))
	}
	vms := map[string]provider.ListedVM{}
	vols := map[string]provider.ListedVolume{}
	for _, p := range pages {
		// A VM listed under its name and its id counts once.
		distinct := map[string]bool{}
		for _, vm := range p.VMs {
			distinct[vm.VMID+"\x00"+vm.Raw] = true
		}
		if w.PageSize > 0 && len(distinct) > w.PageSize {
			w.t.Errorf("a page holds %d VMs, more than the page size %d", len(distinct), w.PageSize)
		}
		for _, vm := range p.VMs {
			if _, dup := vms[vm.Instance]; dup {
				w.t.Errorf("VM %q listed twice", vm.Instance)
			}
			vms[vm.Instance] = vm
		}
		for _, v := range p.Volumes {
			if _, dup := vols[v.Volume]; dup {
				w.t.Errorf("volume %q listed twice", v.Volume)
			}
			vols[v.Volume] = v
		}
	}
	// Every listed VM is a host's, under its Instance; a VM may also be
	// listed under its immutable id (adapters whose hosts are referenced
	// by name list each VM under both).
	byInstance := map[string]bool{}
	for _, h := range hosts {
		byInstance[h.Instance] = true
	}
	ids := map[string]bool{}
	for key, vm := range vms {
		if byInstance[key] {
			ids[vm.VMID] = true
		}
	}
	for key, vm := range vms {
		if !byInstance[key] && (key != vm.VMID || !ids[key]) {
			w.t.Errorf("listed VM %q is no host's (not a host's Instance, nor the id of one listed)", key)
		}
	}
	// An adapter that names zones names them on every entry: the host's.
	zoned := false
	for _, vm := range vms {
		zoned = zoned || vm.Zone != ""
	}
	for _, v := range vols {
		zoned = zoned || v.Zone != ""
	}
	for _, h := range hosts {
		want := w.expect(h)
		got := vms[h.Instance]
		zone := ""
		if zoned {
			zone = h.Zone
		}
		if diff := cmp.Diff(provider.ListedVM{Instance: h.Instance, Zone: zone, VM: want.VM, Raw: want.RawVM, Address: want.Address, VMID: want.VMID}, got); diff != "" {
			w.t.Errorf("listed VM of %s (-truth +listed):\n%s", h.Instance, diff)
		}
		if !w.facts.Capabilities.SeparateVolume {
			continue
		}
		if diff := cmp.Diff(provider.ListedVolume{Volume: h.Volume, Zone: zone, State: want.Volume, Raw: want.RawVolume}, vols[h.Volume]); diff != "" {
			w.t.Errorf("listed volume of %s (-truth +listed):\n%s", h.Instance, diff)
		}
	}
}

// listBrokenPage returns the case of a listing page that cannot be read —
// bad JSON (Malformed) or missing what the provider always sends, a count,
// an id, a status (Incomplete): the listing fails with
// provider.ErrBadResponse. It is never taken for the last page, which
// would read every later host as gone.
func listBrokenPage(kind FaultKind) func(w *world) {
	return func(w *world) {
		l := w.lister()
		hosts := w.listHosts()
		skip := 1
		if w.PageSize == 0 {
			skip = 0
		}
		if w.Inject == nil || !w.Inject(Fault{Kind: kind, Listing: true, Skip: skip}) {
			w.t.Skipf("the harness cannot inject %s answers", kind)
		}
		pages, err := w.walk(l, l.Scope(hosts[0]))
		if !errors.Is(err, provider.ErrBadResponse) {
			w.t.Errorf("a %s page: the listing ended after %d pages with %v, want provider.ErrBadResponse", kind, len(pages), err)
		}
	}
}
