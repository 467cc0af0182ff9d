package cfgmgr

import (
	"sort"
	"strings"
	"testing"
)

// set builds a SET event from "f", "v" pairs ("NULL","NULL" when none).
func set(table, key string, kv ...string) Event {
	f := Fields{}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = kv[i+1]
	}
	if len(f) == 0 {
		f = nullRow()
	}
	return Event{TableKey: TableKey{table, key}, Op: OpSet, Fields: f}
}

func del(table, key string) Event {
	return Event{TableKey: TableKey{table, key}, Op: OpDel}
}

// appDB models APP_DB as the consumer sees it after every plan.
type appDB map[AppKey]Fields

func (db appDB) apply(p *Plan) {
	for _, op := range p.App {
		if op.Op == OpDel {
			delete(db, op.AppKey)
			continue
		}
		cur := db[op.AppKey]
		if cur == nil {
			cur = Fields{}
			db[op.AppKey] = cur
		}
		for k, v := range op.Fields {
			cur[k] = v
		}
	}
}

// harness drives an engine and keeps APP_DB and the error table.
type harness struct {
	t      *testing.T
	e      *Engine
	app    appDB
	errs   map[TableKey]Rejection
	last   *Plan
	starts bool
}

func newHarness(t *testing.T, initial ...Event) *harness {
	t.Helper()
	e, err := NewEngine(DefaultFamilies()...)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, e: e, app: appDB{}, errs: map[TableKey]Rejection{}}
	h.record(e.Start(initial, nil, nil))
	return h
}

func (h *harness) record(p *Plan) {
	h.t.Helper()
	h.last = p
	h.app.apply(p)
	for _, op := range p.Errors {
		if op.Rejection == nil {
			delete(h.errs, op.TableKey)
		} else {
			h.errs[op.TableKey] = *op.Rejection
		}
	}
	if len(p.Stuck) > 0 {
		h.t.Fatalf("stuck rows: %v", p.Stuck)
	}
}

func (h *harness) do(evs ...Event) *Plan {
	h.t.Helper()
	h.record(h.e.Apply(evs))
	return h.last
}

// row asserts an APP_DB row's exact fields.
func (h *harness) row(table, key string, kv ...string) {
	h.t.Helper()
	want := Fields{}
	for i := 0; i+1 < len(kv); i += 2 {
		want[kv[i]] = kv[i+1]
	}
	got, ok := h.app[AppKey{table, key}]
	if !ok {
		h.t.Fatalf("APP_DB %s:%s missing; have %v", table, key, h.appKeys())
	}
	if !got.Equal(want) {
		h.t.Fatalf("APP_DB %s:%s = %v, want %v", table, key, got, want)
	}
}

func (h *harness) noRow(table, key string) {
	h.t.Helper()
	if f, ok := h.app[AppKey{table, key}]; ok {
		h.t.Fatalf("APP_DB %s:%s present (%v), want absent", table, key, f)
	}
}

// rejected asserts a row's error field and that its reason holds each part.
func (h *harness) rejected(table, key, field string, reason ...string) {
	h.t.Helper()
	r, ok := h.errs[TableKey{table, key}]
	if !ok {
		h.t.Fatalf("%s|%s not rejected; errors: %v", table, key, h.errs)
	}
	if r.Field != field {
		h.t.Fatalf("%s|%s rejected on field %q (%s), want %q", table, key, r.Field, r.Reason, field)
	}
	for _, s := range reason {
		if !strings.Contains(r.Reason, s) {
			h.t.Fatalf("%s|%s reason %q lacks %q", table, key, r.Reason, s)
		}
	}
}

func (h *harness) accepted(table, key string) {
	h.t.Helper()
	if r, ok := h.errs[TableKey{table, key}]; ok {
		h.t.Fatalf("%s|%s rejected: %s: %s", table, key, r.Field, r.Reason)
	}
}

func (h *harness) appKeys() []string {
	var out []string
	for k := range h.app {
		out = append(out, k.String())
	}
	sort.Strings(out)
	return out
}

// baseConfig is a small valid switch: four ports, VLAN 10 and 20 with
// members and addresses, a neighbour and a route.
func baseConfig() []Event {
	return []Event{
		set(TableDeviceMetadata, "localhost", "mac", "52:54:00:00:00:01", "hostname", "sw1"),
		set(TablePort, "Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "admin_status", "up", "mtu", "9100", "alias", "eth0"),
		set(TablePort, "Ethernet4", "lanes", "4,5,6,7", "speed", "100000", "admin_status", "up"),
		set(TablePort, "Ethernet8", "lanes", "8,9,10,11", "speed", "100000", "admin_status", "up"),
		set(TablePort, "Ethernet12", "lanes", "12,13,14,15", "speed", "100000", "admin_status", "up"),
		set(TableVlan, "Vlan10", "vlanid", "10"),
		set(TableVlan, "Vlan20", "vlanid", "20", "mtu", "1500"),
		set(TableVlanMember, "Vlan10|Ethernet0", "tagging_mode", "untagged"),
		set(TableVlanMember, "Vlan20|Ethernet4", "tagging_mode", "untagged"),
		set(TableVlanMember, "Vlan20|Ethernet8", "tagging_mode", "tagged"),
		set(TableVlanInterface, "Vlan10"),
		set(TableVlanInterface, "Vlan10|10.0.10.1/24"),
		set(TableVlanInterface, "Vlan10|fc00:10::1/64"),
		set(TableVlanInterface, "Vlan20"),
		set(TableVlanInterface, "Vlan20|10.0.20.1/24"),
		set(TableNeigh, "Vlan10|10.0.10.5", "neigh", "00:11:22:33:44:55", "family", "IPv4"),
		set(TableStaticRoute, "192.168.0.0/16", "nexthop", "10.0.20.2"),
	}
}
