package cli

import (
	"encoding/json"
	"net/netip"
	"sort"
	"strings"
)

// Route is one line of `show ip route`.
type Route struct {
	Prefix   string    `json:"prefix"`
	NextHops []NextHop `json:"nexthops"`
	// Action is forward, drop (blackhole) or trap.
	Action string `json:"action"`
	// Source is static (APP_DB ROUTE_TABLE), connected (a router
	// interface's subnet), local (an address of the switch, to the CPU) or
	// asic (in ASIC_DB only).
	Source string `json:"source"`
	// Status is installed (in ASIC_DB) or pending (in APP_DB only).
	Status string `json:"status"`
}

// NextHop is one path of a route.
type NextHop struct {
	IP        string `json:"ip,omitempty"`
	Interface string `json:"interface,omitempty"`
}

// ASIC_DB names used by RouteTable.
const (
	asicPrefix   = "ASIC_STATE:"
	otRoute      = "SAI_OBJECT_TYPE_ROUTE_ENTRY"
	otNextHop    = "SAI_OBJECT_TYPE_NEXT_HOP"
	otNHGroupMbr = "SAI_OBJECT_TYPE_NEXT_HOP_GROUP_MEMBER"
	otRIF        = "SAI_OBJECT_TYPE_ROUTER_INTERFACE"
	otVlan       = "SAI_OBJECT_TYPE_VLAN"
	otSwitch     = "SAI_OBJECT_TYPE_SWITCH"
	otNHGroup    = "SAI_OBJECT_TYPE_NEXT_HOP_GROUP"
)

// RouteInputs is what `show ip route` reads: ASIC_DB hashes by full key
// ("ASIC_STATE:<type>:<id>"), APP_DB ROUTE_TABLE rows by prefix, and port /
// LAG names by oid (from COUNTERS_DB COUNTERS_PORT_NAME_MAP and
// COUNTERS_LAG_NAME_MAP).
type RouteInputs struct {
	ASIC  map[string]map[string]string
	App   map[string]map[string]string
	Names map[string]string
}

type asicObj struct {
	typ   string
	attrs map[string]string
}

// Routes joins ASIC_DB route entries (resolved through next hops, groups,
// router interfaces and VLANs) with APP_DB ROUTE_TABLE rows not yet in
// ASIC_DB.
func Routes(in RouteInputs) []Route {
	oids := map[string]asicObj{}
	var routes []asicObj
	var routeKeys []string
	cpu := ""
	for key, attrs := range in.ASIC {
		typ, id, ok := strings.Cut(strings.TrimPrefix(key, asicPrefix), ":")
		if !ok {
			continue
		}
		switch typ {
		case otRoute:
			routes = append(routes, asicObj{typ: id, attrs: attrs})
			routeKeys = append(routeKeys, id)
		case otSwitch:
			cpu = attrs["SAI_SWITCH_ATTR_CPU_PORT"]
		}
		oids[id] = asicObj{typ: typ, attrs: attrs}
	}
	r := resolver{oids: oids, names: in.Names, cpu: cpu}
	app := map[string]map[string]string{}
	for p, f := range in.App {
		app[canonPrefix(p)] = f
	}
	seen := map[string]bool{}
	var out []Route
	for _, obj := range routes {
		var key struct {
			Dest string `json:"dest"`
		}
		if json.Unmarshal([]byte(obj.typ), &key) != nil || key.Dest == "" {
			continue
		}
		p := canonPrefix(key.Dest)
		rt := r.route(p, obj.attrs)
		if _, ok := app[p]; ok && rt.Source != "connected" && rt.Source != "local" {
			rt.Source = "static"
		}
		seen[p] = true
		out = append(out, rt)
	}
	for p, f := range app {
		if seen[p] {
			continue
		}
		out = append(out, appRoute(p, f))
	}
	sort.Slice(out, func(i, j int) bool { return addrLess(out[i].Prefix, out[j].Prefix) })
	return out
}

type resolver struct {
	oids  map[string]asicObj
	names map[string]string
	cpu   string
}

func (r resolver) route(prefix string, attrs map[string]string) Route {
	rt := Route{Prefix: prefix, Action: "forward", Source: "asic", Status: "installed", NextHops: []NextHop{}}
	switch attrs["SAI_ROUTE_ENTRY_ATTR_PACKET_ACTION"] {
	case "SAI_PACKET_ACTION_DROP":
		rt.Action = "drop"
	case "SAI_PACKET_ACTION_TRAP":
		rt.Action = "trap"
	}
	nh := attrs["SAI_ROUTE_ENTRY_ATTR_NEXT_HOP_ID"]
	if rt.Action != "forward" || nh == "" || nh == "oid:0x0" {
		return rt
	}
	switch obj := r.oids[nh]; {
	case nh == r.cpu:
		rt.Source, rt.NextHops = "local", []NextHop{{Interface: "CPU"}}
	case obj.typ == otRIF:
		rt.Source, rt.NextHops = "connected", []NextHop{{Interface: r.rifName(nh)}}
	case obj.typ == otNextHop:
		rt.NextHops = []NextHop{r.nextHop(nh)}
	case obj.typ == otNHGroup:
		rt.NextHops = r.group(nh)
	case r.names[nh] != "":
		rt.NextHops = []NextHop{{Interface: r.names[nh]}}
	default:
		// A port that is not a front-panel port: the CPU port, which
		// IP2ME routes point to (syncd need not store it in ASIC_DB).
		rt.Source, rt.NextHops = "local", []NextHop{{Interface: "CPU"}}
	}
	return rt
}

func (r resolver) nextHop(oid string) NextHop {
	a := r.oids[oid].attrs
	return NextHop{IP: a["SAI_NEXT_HOP_ATTR_IP"], Interface: r.rifName(a["SAI_NEXT_HOP_ATTR_ROUTER_INTERFACE_ID"])}
}

// group returns the next hops of a next-hop group, sorted.
func (r resolver) group(oid string) []NextHop {
	var out []NextHop
	for _, obj := range r.oids {
		if obj.typ == otNHGroupMbr && obj.attrs["SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_GROUP_ID"] == oid {
			out = append(out, r.nextHop(obj.attrs["SAI_NEXT_HOP_GROUP_MEMBER_ATTR_NEXT_HOP_ID"]))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].IP < out[j].IP })
	if len(out) == 0 {
		out = []NextHop{{IP: oid}}
	}
	return out
}

// rifName names a router interface: VlanN, the port or LAG name, or the oid.
func (r resolver) rifName(oid string) string {
	a := r.oids[oid].attrs
	switch a["SAI_ROUTER_INTERFACE_ATTR_TYPE"] {
	case "SAI_ROUTER_INTERFACE_TYPE_VLAN":
		if id := r.oids[a["SAI_ROUTER_INTERFACE_ATTR_VLAN_ID"]].attrs["SAI_VLAN_ATTR_VLAN_ID"]; id != "" {
			return "Vlan" + id
		}
	case "SAI_ROUTER_INTERFACE_TYPE_PORT", "SAI_ROUTER_INTERFACE_TYPE_SUB_PORT":
		if n := r.names[a["SAI_ROUTER_INTERFACE_ATTR_PORT_ID"]]; n != "" {
			return n
		}
		if p := a["SAI_ROUTER_INTERFACE_ATTR_PORT_ID"]; p != "" {
			return p
		}
	case "SAI_ROUTER_INTERFACE_TYPE_LOOPBACK":
		return "Loopback"
	}
	return oid
}

// appRoute is a ROUTE_TABLE row orchagent has not installed (yet).
func appRoute(prefix string, f map[string]string) Route {
	rt := Route{Prefix: prefix, Action: "forward", Source: "static", Status: "pending", NextHops: []NextHop{}}
	if f["blackhole"] == "true" {
		rt.Action = "drop"
		return rt
	}
	nhs, ifs := splitComma(f["nexthop"]), splitComma(f["ifname"])
	for i := 0; i < max(len(nhs), len(ifs)); i++ {
		var h NextHop
		if i < len(nhs) {
			h.IP = nhs[i]
		}
		if i < len(ifs) {
			h.Interface = ifs[i]
		}
		rt.NextHops = append(rt.NextHops, h)
	}
	return rt
}

// routeTable renders routes one next hop per line.
func routeTable(routes []Route) *table {
	t := &table{header: []string{"Prefix", "Next Hop", "Interface", "Source", "Status"}}
	for _, rt := range routes {
		var ips, ifs []string
		switch {
		case rt.Action == "drop":
			ips = []string{"blackhole"}
		case rt.Action == "trap":
			ips = []string{"trap"}
		case rt.Source == "connected":
			ips = []string{"direct"}
		case rt.Source == "local":
			ips = []string{"local"}
		}
		for i, h := range rt.NextHops {
			if len(ips) <= i {
				ip := h.IP
				if ip == "" || ip == "0.0.0.0" || ip == "::" {
					ip = "direct"
				}
				ips = append(ips, ip)
			}
			ifs = append(ifs, orNA(h.Interface))
		}
		t.rows = append(t.rows, []string{rt.Prefix, strings.Join(ips, "\n"), strings.Join(ifs, "\n"), rt.Source, rt.Status})
	}
	return t
}

func canonPrefix(s string) string {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.String()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String()
	}
	return s
}

func splitComma(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
