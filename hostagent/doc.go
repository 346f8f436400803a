// Package hostagent is the host daemon's side of the control plane's host
// contract (package hostapi): the heartbeat that keeps a running host
// "active" in the control plane's view, the report that first-boot setup
// finished, and the rule that a host's first boot uses the tools bundled
// with its image before it tries to install anything.
//
// # Heartbeats
//
// A [Heartbeater] sends POST {ControlPlane}/api/hosts/{id}/heartbeat with
// the host's bearer token, its version, first-boot state and served
// address, at once when [Heartbeater.Run] starts and then every interval:
// the interval_seconds the control plane answers (Config.Interval until
// it has answered), spread by ±Config.Jitter so a fleet that booted
// together does not heartbeat in lockstep. A control plane that ignores a
// heartbeat because the host is not running (it is stopping, or off)
// names a longer interval, which the agent takes: it backs off instead of
// retrying. A failed request (no answer within Config.RequestTimeout, a
// transport error, a 5xx) is retried after an exponential, jittered
// backoff from Config.BackoffBase to Config.BackoffMax, and a
// Retry-After header lengthens the pause. A 401 or 403 ends Run with an
// error matching [ErrUnauthorized]: retrying a token the control plane
// refuses cannot succeed, and the supervisor that restarts the daemon
// rereads its token.
//
// # First boot
//
// [Heartbeater.BootstrapDone] reports that first-boot setup finished,
// which clears the control plane's "bootstrap pending" badge; it also
// marks the heartbeats' bootstrap field "done", so when the report is
// lost (the host was still starting, the network failed) Run sends it
// again after the first accepted heartbeat whose answer says the control
// plane has not recorded it. A daemon that restarts after its setup
// finished starts with Config.Bootstrap set to [BootstrapDone].
//
// [PreferBundled] finds a tool in the bundle directories a host image
// ships (such as /opt/bundle/current/bin, where current is a symlink to
// the bundle's versioned directory) and returns it only when it is a
// runnable regular file inside the bundle; installing is the fallback
// when it returns an error matching [ErrNotBundled], whose [*BundleError]
// says what was tried.
//
// # Secrets
//
// The token goes into the Authorization header and nowhere else: no
// error, log line, fmt verb (%v, %+v, %#v) or JSON rendering of a
// [Config] or a Heartbeater shows it, and the HTTP client never follows a
// redirect, which could carry the header elsewhere. The control-plane
// URL must be https unless Config.AllowInsecureHTTP is set (for tests and
// local control planes), and must not carry credentials of its own.
package hostagent
