// Package orchagent turns APP_DB intent into SAI objects in ASIC_DB, as
// SONiC's orchagent does, for syncd to apply to the platform.
//
// # Shape
//
// One goroutine (Agent.Run's event loop) owns all state. One goroutine per
// APP_DB table pops its ConsumerStateTable and sends batches of changes
// over a channel (RedisSource: a popped SET carries only the fields written
// since the last pop, so the whole row is read back from "<T>:<k>"); one
// reads ASIC_DB NOTIFICATIONS. Each loop round takes in what is queued,
// lets the orchs sync the changed keys, and sends every ASIC op the round
// produced as bulk requests (sairedis.Batch) with one wait for the
// replies; STATE_DB writes go out once per round too.
//
// # Orchs
//
// An Orch owns APP_DB tables and Syncs one key at a time against the whole
// current row (level-triggered). Rows whose dependencies are missing stay
// queued as Pending (or Conflict) and are synced again, in arrival order,
// after every pass until no more progress; every row that is not in effect
// is written to STATE_DB ORCH_ERROR_TABLE|<APP table>:<key> {status,
// reason} and cleared when it applies or is deleted. Ops refused by syncd
// come back through Done callbacks: the orch undoes its bookkeeping and
// calls Task.Fail; the row is retried with back-off (at once when the
// refusal names an object that a refused create of the same flush would
// have made).
//
// Core orchs: copp (LLDP trap), ports (PORT_TABLE by lanes, LAG_TABLE,
// LAG_MEMBER_TABLE, oper status), vlans (VLAN_TABLE, VLAN_MEMBER_TABLE,
// bridge ports, PVID), intfs (INTF_TABLE router interfaces, IP2ME and
// subnet routes), neighbors (NEIGH_TABLE, next hops), routes (ROUTE_TABLE,
// default routes).
//
// # Extension point (VLT orchs)
//
// Config.Extra takes OrchFactory functions. A factory gets the Env: the
// ASIC to program, the SwitchInfo, the views of the core orchs (PortView,
// VlanView with BridgePort, IntfView with L3Vlans, NeighView) and Events,
// whose subscriptions (OnBridgePort, OnRouterInterface, OnVlan,
// OnOperStatus) are called synchronously on the loop: an isolation-group
// orch adds a member when a VLT LAG's bridge port appears and drops it
// before the bridge port is removed; the proxy-gateway orch recomputes its
// MY_MAC set when the L3 VLANs change. Such an orch may own APP_DB tables
// of its own (VLT_*), implement Starter to program at start, and
// NotificationHandler for NOTIFICATIONS.
//
// # Files
//
// agent.go (Agent, start-up: INIT_VIEW, switch, replay, APPLY_VIEW),
// loop.go (event loop), core.go (rows, queues, passes, errors, retries),
// task.go (Task, Result), queue.go, asic.go (ASIC interface, op queue over
// sairedis), orch.go (Orch, Env), events.go, views.go, source.go (APP_DB),
// statewriter.go (STATE_DB), redis.go (wiring for cmd/orchagent),
// switch.go, copp.go, ports*.go, vlans.go, vlan_members.go, intfs.go,
// intf_addrs.go, neigh.go, routes.go, routeowners.go, users.go, names.go,
// tables.go, saiattrs.go, clock.go.
package orchagent
