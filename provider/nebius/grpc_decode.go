package nebius

import (
	"fmt"
	"net/netip"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// The decoders below turn generated messages into the adapter's structs.
// They fail closed: an answer without the fields the adapter relies on is
// a *BadResponseError, never a guess, and an enum number this subset does
// not know is an unknown state, never a near one.

// instanceFrom decodes an instance. want is the id asked for ("" for a
// listing); parent is the project a listing asked for ("" for a Get).
func instanceFrom(method, want, parent string, in *nebiuspb.Instance) (Instance, error) {
	md, err := metadataFrom(method, "instance", want, parent, in.GetMetadata())
	if err != nil {
		return Instance{}, err
	}
	st := in.GetStatus()
	if st == nil {
		return Instance{}, badResponse(method, "instance %s has no status", cut(md.GetId()))
	}
	out := Instance{ID: md.GetId(), Name: md.GetName(), ParentID: md.GetParentId(), State: enumName(st.GetState()),
		Labels: md.GetLabels(), BootDisk: in.GetSpec().GetBootDisk().GetExistingDisk().GetId()}
	for _, ni := range st.GetNetworkInterfaces() {
		raw := ni.GetPublicIpAddress().GetAddress()
		if raw == "" {
			continue
		}
		addr, err := address(raw)
		if err != nil {
			return Instance{}, badResponse(method, "instance %s: public address %q: %v", cut(md.GetId()), cut(raw), err)
		}
		out.PublicIP = addr
		break
	}
	return out, nil
}

// diskFrom decodes a disk; want and parent as for instanceFrom.
func diskFrom(method, want, parent string, d *nebiuspb.Disk) (Disk, error) {
	md, err := metadataFrom(method, "disk", want, parent, d.GetMetadata())
	if err != nil {
		return Disk{}, err
	}
	st := d.GetStatus()
	if st == nil {
		return Disk{}, badResponse(method, "disk %s has no status", cut(md.GetId()))
	}
	return Disk{
		ID: md.GetId(), Name: md.GetName(), ParentID: md.GetParentId(),
		State: enumName(st.GetState()), AttachedTo: st.GetReadWriteAttachment(), ManagedBy: st.GetManagedBy(),
	}, nil
}

// metadataFrom checks a resource's metadata: an id, the one asked for, in
// the project asked for.
func metadataFrom(method, kind, want, parent string, md *nebiuspb.ResourceMetadata) (*nebiuspb.ResourceMetadata, error) {
	switch {
	case md.GetId() == "":
		return nil, badResponse(method, "%s without metadata.id", kind)
	case want != "" && md.GetId() != want:
		return nil, badResponse(method, "answer about %s %q, asked for %q", kind, cut(md.GetId()), cut(want))
	case parent != "" && md.GetParentId() != "" && md.GetParentId() != parent:
		// An empty parent_id is tolerated: the id is what the adapter keys
		// on, and listing already scoped the request to parent.
		return nil, badResponse(method, "%s %q is in %q, listed %q", kind, cut(md.GetId()), cut(md.GetParentId()), cut(parent))
	}
	return md, nil
}

// enumName is e's upstream name, or UNKNOWN(n) for a number this subset
// does not define (a state added upstream since): the state tables
// normalize it to unknown.
func enumName(e protoreflect.Enum) string {
	if v := e.Descriptor().Values().ByNumber(e.Number()); v != nil {
		return string(v.Name())
	}
	return fmt.Sprintf("UNKNOWN(%d)", e.Number())
}

// address is a public address without its prefix length: Nebius reports
// "203.0.113.7/32"; a bare address is accepted too.
func address(raw string) (string, error) {
	if p, err := netip.ParsePrefix(raw); err == nil {
		return p.Addr().String(), nil
	}
	a, err := netip.ParseAddr(raw)
	if err != nil {
		return "", fmt.Errorf("neither an address nor a prefix")
	}
	return a.String(), nil
}

// operationFrom checks a returned operation: an id, and (when it names
// one) the resource acted on.
func operationFrom(method, resource string, op *nebiuspb.Operation) (*nebiuspb.Operation, error) {
	switch {
	case op == nil || op.GetId() == "":
		return nil, badResponse(method, "operation without an id")
	case resource != "" && op.GetResourceId() != "" && op.GetResourceId() != resource:
		return nil, badResponse(method, "operation %q is about %q, not %q", cut(op.GetId()), cut(op.GetResourceId()), cut(resource))
	}
	return op, nil
}
