-- 0001: hosts, their status history, leases and connector reports.
--
-- Every table is created in the schema Migrate runs in (the pool's
-- current_schema()); names carry a driftless_ prefix so they can share a
-- schema with the control plane's own tables.

-- One row per host. The columns that selection and the UI filter on are
-- typed (and indexed); the host's provider reference and every other field
-- of hoststate.Record are jsonb. id sorts bytewise (COLLATE "C"), as Go
-- compares strings, so List's id order and its After cursor agree with
-- every other Store. fillfactor leaves room on each page so the common
-- write (a new observation, no indexed column changed) is a HOT update
-- that touches no index.
CREATE TABLE driftless_hosts (
	id            text COLLATE "C" PRIMARY KEY,
	version       bigint NOT NULL CHECK (version > 0),
	status        text NOT NULL,
	provider      text NOT NULL,
	next_check    timestamptz NOT NULL,
	last_seen     timestamptz NOT NULL,
	address       text NOT NULL,
	pending_count bigint NOT NULL,
	ref           jsonb NOT NULL,
	rest          jsonb NOT NULL
) WITH (fillfactor = 80);

-- Due: WHERE next_check <= $now ORDER BY next_check, id is one range scan.
CREATE INDEX driftless_hosts_due ON driftless_hosts (next_check, id);
-- The reconciler's selections and the UI's filters, each ordered by id.
CREATE INDEX driftless_hosts_status ON driftless_hosts (status, id);
CREATE INDEX driftless_hosts_provider ON driftless_hosts (provider, id);
CREATE INDEX driftless_hosts_last_seen ON driftless_hosts (status, last_seen);
-- Status and last_seen are correlated (off hosts were never heard from,
-- running ones were, recently): without these statistics the planner
-- multiplies the two selectivities, expects a quarter of the fleet to be
-- running and stale, and reads every row in id order to find what is
-- usually none.
CREATE STATISTICS driftless_hosts_status_last_seen (mcv) ON status, last_seen FROM driftless_hosts;
-- Running hosts that lost their address, the reconciler's selection.
-- The index holds exactly those (usually none): an index of every host
-- without an address would hold every off host, and the planner, which
-- cannot know that none of those is running, would rather read the table.
CREATE INDEX driftless_hosts_running_no_address ON driftless_hosts (id) WHERE status = 'running' AND address = '';
CREATE INDEX driftless_hosts_confirming ON driftless_hosts (id) WHERE pending_count > 0;

-- Status changes, written in the transaction that changed the status.
-- Rows older than the store's HistoryRetention are pruned (see History).
CREATE TABLE driftless_history (
	host        text COLLATE "C" NOT NULL REFERENCES driftless_hosts (id) ON DELETE CASCADE,
	version     bigint NOT NULL,
	from_status text NOT NULL,
	to_status   text NOT NULL,
	reason      text NOT NULL,
	raw_status  text NOT NULL,
	at          timestamptz NOT NULL,
	PRIMARY KEY (host, version)
);
CREATE INDEX driftless_history_at ON driftless_history (at);

-- Leases on the database's clock. A released lease keeps its row (expires
-- -infinity) so the next grant still takes a higher epoch.
CREATE TABLE driftless_leases (
	key     text PRIMARY KEY,
	owner   text NOT NULL,
	epoch   bigint NOT NULL,
	expires timestamptz NOT NULL
);

-- The latest self-host connector report per host, stamped with now().
CREATE TABLE driftless_reports (
	host    text COLLATE "C" PRIMARY KEY REFERENCES driftless_hosts (id) ON DELETE CASCADE,
	state   text NOT NULL,
	address text NOT NULL,
	at      timestamptz NOT NULL
);
