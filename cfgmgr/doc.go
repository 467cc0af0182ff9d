// Package cfgmgr turns operator intent in CONFIG_DB into the APP_DB rows that
// orchagent consumes, the way SONiC's config managers (vlanmgrd, intfmgrd,
// portmgrd, …) do, with every rejected row reported.
//
// The core is pure: a Snapshot of the CONFIG_DB tables, one Family per table
// family (port, portchannel, vlan, interface, neighbour, static route, device
// metadata) that validates a row against the snapshot and says which APP_DB
// rows it produces, and an Engine that re-evaluates the rows a change can
// affect and returns a Plan (APP_DB sets/deletes, STATE_DB error sets/clears).
// Daemon is the I/O edge: it feeds CONFIG_DB subscription batches (all
// tables over one keyspace subscription, in write order: ConfigSource) to
// the Engine and writes each Plan as one pipelined batch.
//
// Rules the families enforce across rows:
//   - a row that needs another row (a VLAN member needs its VLAN and its port
//     or LAG; an IP row needs its interface row) is kept pending, reported,
//     and re-evaluated when the dependency appears or goes away;
//   - exclusive claims (an IP address on one interface, a lane on one port, a
//     port in one LAG, a port untagged in one VLAN, a route prefix once) go to
//     the row that already holds the claim; among new rows, the lowest key;
//   - a port has one role: LAG member, VLAN member or routed interface; the
//     role already applied wins, otherwise LAG member > VLAN member > routed.
//
// Rejections are written to STATE_DB as CFG_ERROR_TABLE|<TABLE>|<key> with
// fields "field" and "reason", and deleted when the row becomes valid or is
// deleted.
package cfgmgr
