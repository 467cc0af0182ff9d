package cli

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// VlanMember is one port of a VLAN.
type VlanMember struct {
	Port        string `json:"port"`
	TaggingMode string `json:"tagging_mode"`
	Error       string `json:"error,omitempty"`
}

// VlanAddress is one address of a VLAN interface.
type VlanAddress struct {
	Address string `json:"address"`
	Error   string `json:"error,omitempty"`
}

// VlanBrief is one VLAN of `show vlan brief`.
type VlanBrief struct {
	VlanID    int           `json:"vlan_id"`
	Name      string        `json:"name"`
	Addresses []VlanAddress `json:"ip_addresses"`
	Members   []VlanMember  `json:"members"`
	Error     string        `json:"error,omitempty"`
}

// VlanRows is the CONFIG_DB data `show vlan brief` reads, keyed by the
// CONFIG_DB key without the table name, plus cfgmgrd's rejections keyed by
// "<TABLE>|<key>" (their reasons).
type VlanRows struct {
	Vlan, Member, Interface map[string]map[string]string
	Errors                  map[string]string
}

// VlansBrief builds the VLAN lines from CONFIG_DB, as SONiC does, and
// attaches the reason of each row cfgmgrd rejected (JSON only).
func VlansBrief(in VlanRows) []VlanBrief {
	byName := map[string]*VlanBrief{}
	var out []*VlanBrief
	for name, f := range in.Vlan {
		id, err := strconv.Atoi(strings.TrimPrefix(name, "Vlan"))
		if err != nil {
			id, _ = strconv.Atoi(f["vlanid"])
		}
		v := &VlanBrief{VlanID: id, Name: name, Addresses: []VlanAddress{}, Members: []VlanMember{}, Error: in.Errors["VLAN|"+name]}
		byName[name] = v
		out = append(out, v)
	}
	for key, f := range in.Member {
		vlan, port, ok := strings.Cut(key, "|")
		if v := byName[vlan]; ok && v != nil {
			v.Members = append(v.Members, VlanMember{Port: port, TaggingMode: f["tagging_mode"], Error: in.Errors["VLAN_MEMBER|"+key]})
		}
	}
	for key := range in.Interface {
		vlan, addr, ok := strings.Cut(key, "|")
		if v := byName[vlan]; ok && v != nil {
			v.Addresses = append(v.Addresses, VlanAddress{Address: addr, Error: in.Errors["VLAN_INTERFACE|"+key]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].VlanID < out[j].VlanID || out[i].VlanID == out[j].VlanID && out[i].Name < out[j].Name
	})
	res := make([]VlanBrief, len(out))
	for i, v := range out {
		sort.Slice(v.Members, func(a, b int) bool { return naturalLess(v.Members[a].Port, v.Members[b].Port) })
		sort.Slice(v.Addresses, func(a, b int) bool { return addrLess(v.Addresses[a].Address, v.Addresses[b].Address) })
		res[i] = *v
	}
	return res
}

// vlanTable renders the VLAN lines in SONiC's grid layout.
func vlanTable(vlans []VlanBrief) *table {
	t := &table{header: []string{"VLAN ID", "IP Address", "Ports", "Port Tagging"}, right: []bool{true}}
	for _, v := range vlans {
		var addrs, ports, modes []string
		for _, a := range v.Addresses {
			addrs = append(addrs, a.Address)
		}
		for _, m := range v.Members {
			ports = append(ports, m.Port)
			modes = append(modes, m.TaggingMode)
		}
		t.rows = append(t.rows, []string{strconv.Itoa(v.VlanID), strings.Join(addrs, "\n"), strings.Join(ports, "\n"), strings.Join(modes, "\n")})
	}
	return t
}

// addrLess orders addresses IPv4 first, then by address and length.
func addrLess(a, b string) bool {
	pa, ea := netip.ParsePrefix(a)
	pb, eb := netip.ParsePrefix(b)
	if ea != nil || eb != nil {
		return a < b
	}
	if pa.Addr().Is4() != pb.Addr().Is4() {
		return pa.Addr().Is4()
	}
	if c := pa.Addr().Compare(pb.Addr()); c != 0 {
		return c < 0
	}
	return pa.Bits() < pb.Bits()
}
