package hyperstack

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// vmName is the VM names the adapter accepts: at most 50 characters
// (Hyperstack's limit). Hyperstack's own rules on characters are looser,
// but a name also travels as a search parameter and in messages.
var vmName = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_.]{0,49}$`)

// checkHost validates the fields a Hyperstack host uses.
func checkHost(host provider.Host) error {
	if host.Instance == "" {
		return &provider.HostError{Provider: Name, Field: "Instance", Reason: "empty VM name"}
	}
	if !vmName.MatchString(host.Instance) || strings.Contains(host.Instance, "..") {
		return &provider.HostError{Provider: Name, Field: "Instance", Reason: "not a VM name ([A-Za-z0-9][-A-Za-z0-9_.]{0,49}, no \"..\"): " + rest.Quote(host.Instance)}
	}
	if _, err := volumeID(host.Volume); err != nil {
		return err
	}
	return checkLabels(host.Labels)
}

// checkLabels validates host labels: they become VM labels ("key=value"
// strings) and appear in messages. The stop mode label must name a mode.
func checkLabels(labels map[string]string) error {
	for k, v := range labels {
		if k == "" || len(k) > 63 || len(v) > 255 || strings.Contains(k, "=") || !printable(k) || !printable(v) {
			return &provider.HostError{Provider: Name, Field: "Labels", Reason: "not a usable label: " + rest.Quote(k+"="+v)}
		}
	}
	if m, ok := labels[StopModeLabel]; ok && !StopMode(m).valid() {
		return &provider.HostError{Provider: Name, Field: "Labels", Reason: StopModeLabel + " must be \"delete\" or \"hibernate\", not " + rest.Quote(m)}
	}
	return nil
}

// printable reports whether s is printable ASCII.
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

// volumeID parses a volume reference: a positive decimal id.
func volumeID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, &provider.HostError{Provider: Name, Field: "Volume", Reason: "not a positive decimal volume id: " + rest.Quote(s)}
	}
	return id, nil
}
