// Package hostapi is a control plane's HTTP surface over driftless: a JSON
// API for operators and host daemons, a server-sent-events stream of status
// changes, and an embedded dashboard page. [New] returns an http.Handler
// built from the parts the control plane already has — a store.Store, the
// kernel.Registry, waiter.Actions and a reconcile.Reconciler — so adopting
// the library does not start with writing handlers.
//
// # Operator API
//
//	GET  /api/hosts                    list hosts with their views
//	GET  /api/hosts/{id}               one host: view, status history, timeline
//	POST /api/hosts/{id}/actions       {"action":"stop"} → 202 + Location
//	GET  /api/actions/{ref}            an action started above: pending or done
//	POST /api/hosts/{id}/reconcile     reconcile one host now; returns the decision
//	GET  /api/events                   text/event-stream of status changes
//	GET  /                             the dashboard
//
// GET /api/hosts takes the query parameters status (a status name; repeat
// it, or separate names with commas, for several), provider, limit (1 to
// [MaxPage], default [DefaultPage]) and cursor (the "next" of the previous
// page). Pages are in id order and paged by id, so a fleet that changes
// meanwhile is never skipped or repeated. Each host is a [Host]: the
// hoststate.HostView with Offered filled from its provider (the actions the
// transition table allows now that the provider supports), its provider's
// name and whether its first-boot setup is done. Provider references and
// credentials are never part of it.
//
// POST .../actions starts the action with waiter.Actions.Begin and answers
// once the transitional status is written and the provider call sent: 202
// Accepted, a Location header naming the action resource and the resource
// itself ([ActionState]). The action goes on in the background; GET the
// resource until its state is "done", then read its status and error. The
// server keeps the last [DefaultMaxActions] actions (Config.MaxActions);
// an older one answers 404 while the host's record still tells its fate.
//
// # Errors
//
// Every error is a JSON [Problem] — {"error": text, "code": word} — with
// the HTTP status its cause calls for:
//
//	400 bad_request      malformed or oversized JSON, an unknown field or action,
//	                     an invalid id, status, limit or cursor
//	401 unauthorized     a heartbeat without a valid token for that host
//	404 not_found        no such host, action or path
//	409 not_allowed      the transition table forbids the action now; "allowed"
//	                     lists what is offered
//	409 unsupported      the provider cannot do it (Lambda cannot stop); "allowed"
//	409 conflict         a concurrent write won too often, or the action was superseded
//	409 no_provider      the host names a provider that is not configured
//	409 invalid_host     the host's provider reference is invalid
//	415 unsupported_media_type  a POST whose body is not application/json
//	429 rate_limited     the provider rate-limits (Retry-After when known)
//	502 provider_error   the provider failed or answered nonsense
//	501 not_configured   the endpoint's part (Actions, Reconciler, Authenticator) is absent
//	503 unavailable      shutting down
//	500 internal         anything else; the cause is logged, not returned
//
// Error texts pass through a scrubber that replaces every Config.Secrets
// value, so a provider API key never reaches a response or a log line even
// if an adapter's error carried it (the adapters promise not to).
//
// POST requests must carry Content-Type: application/json. Besides naming
// the format, this is the API's defence against cross-site requests: an
// HTML form cannot send it, and a script on another origin cannot without
// a CORS preflight, which this handler never grants. The operator API does
// not authenticate operators: mount it behind the control plane's own
// authentication (the example binds to loopback).
//
// # Host daemon contract
//
// The daemon on each host proves itself with a per-host bearer token that
// the control plane issued and checks through its [Authenticator] (a
// [StaticTokens] table for small setups and examples). A request without a
// token, with a token of another host, or with a malformed header is
// answered 401 and writes nothing.
//
//	POST /api/hosts/{id}/heartbeat
//	Authorization: Bearer <token>
//	Content-Type: application/json
//
//	{"host_id": "h-17", "version": "1.4.2", "bootstrap": "done", "address": "203.0.113.7:443"}
//
// host_id must equal {id}. version is the daemon's version (at most 64
// printable bytes); bootstrap is its first-boot state, "pending", "done"
// or "failed"; address is the host:port it serves on, or "". Fields the
// server does not know are ignored, so newer daemons can talk to older
// control planes. The answer, 200 whenever the token is right and the
// request well-formed ([HeartbeatReply]):
//
//	{"status": "running", "accepted": true, "interval_seconds": 30, "bootstrap_done": true}
//
// A heartbeat is accepted — it sets the record's LastSeen — only while the
// host is running (hoststate.Heartbeat): a host shutting down cannot flip
// back to running. Otherwise it is answered with accepted false and the
// status ("stopping", "off", ...), so the daemon knows why, and a longer
// interval, so it backs off. interval_seconds is the pause before the next
// heartbeat, chosen well inside hoststate.Policy.StaleAfter.
// bootstrap_done says whether the control plane has recorded the first-boot
// setup as finished: a daemon whose setup is done but sees false sends
//
//	POST /api/hosts/{id}/bootstrap-done     (same headers; body {"host_id": "h-17"} or empty)
//
// which sets Record.BootstrapDone through kernel.Modify while the host is
// starting or running, and answers like a heartbeat. The heartbeat's own
// bootstrap and address fields are validated and logged but never written:
// finishing the setup is a one-time event with its own call, and the
// provider, not the daemon, is the truth for the host's address.
//
// # Events
//
// GET /api/events streams every status change the store publishes
// (store.Store.Subscribe) as an SSE event "transition" whose data is a
// store.Transition, plus a comment line every KeepAlive so proxies keep
// the connection open. A subscriber that falls behind gets an event
// "reset" and the stream ends: the browser's EventSource reconnects and
// the page re-reads the hosts. The stream ends cleanly when the client
// goes away or [Handler.Close] is called (register it with
// http.Server.RegisterOnShutdown: Shutdown alone waits for streams that
// never go idle).
//
// # Dashboard
//
// GET / serves one page, built with html/template and a little plain
// JavaScript embedded in the binary (no CDN; it works offline): each
// host's control-plane status beside the provider-observed state, its
// liveness and badges (every flag the view carries), buttons for exactly
// the view's Offered actions, "Reconcile now", and on demand a timeline of
// its status against the provider's raw state drawn as inline SVG from its
// history. It stays live through the event stream. The page's times are
// the server clock's, so a dashboard over a simulated fleet reads right.
package hostapi
