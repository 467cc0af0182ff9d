package cli

import "strconv"

// PortStatus is one line of `show interfaces status`.
type PortStatus struct {
	Interface string `json:"interface"`
	Lanes     string `json:"lanes"`
	Speed     string `json:"speed"`
	MTU       string `json:"mtu"`
	Alias     string `json:"alias"`
	Oper      string `json:"oper"`
	Admin     string `json:"admin"`
}

// InterfacesStatus builds the port lines from APP_DB PORT_TABLE rows and
// STATE_DB PORT_TABLE rows (by port name), skipping SONiC's PortConfigDone
// and PortInitDone markers. Oper status comes from STATE_DB,
// else from APP_DB's oper_status, else "N/A". Speed stays in Mb/s here.
func InterfacesStatus(app, state map[string]map[string]string) []PortStatus {
	names := make([]string, 0, len(app))
	for n := range app {
		if n != "PortConfigDone" && n != "PortInitDone" {
			names = append(names, n)
		}
	}
	sortNatural(names)
	out := make([]PortStatus, 0, len(names))
	for _, n := range names {
		f := app[n]
		oper := state[n]["oper_status"]
		if oper == "" {
			oper = f["oper_status"]
		}
		out = append(out, PortStatus{
			Interface: n,
			Lanes:     orNA(f["lanes"]),
			Speed:     orNA(f["speed"]),
			MTU:       orNA(f["mtu"]),
			Alias:     orNA(f["alias"]),
			Oper:      orNA(oper),
			Admin:     orNA(f["admin_status"]),
		})
	}
	return out
}

// interfacesTable renders the port lines as SONiC does (speed as 100G).
func interfacesTable(ports []PortStatus) *table {
	t := &table{header: []string{"Interface", "Lanes", "Speed", "MTU", "Alias", "Oper", "Admin"}}
	for _, p := range ports {
		t.rows = append(t.rows, []string{p.Interface, p.Lanes, speedText(p.Speed), p.MTU, p.Alias, p.Oper, p.Admin})
	}
	return t
}

// speedText shows a Mb/s speed the SONiC way: 100000 → 100G, 100 → 100M.
func speedText(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return s
	}
	if n >= 1000 && n%1000 == 0 {
		return strconv.Itoa(n/1000) + "G"
	}
	if n >= 1000 {
		return strconv.FormatFloat(float64(n)/1000, 'f', -1, 64) + "G"
	}
	return s + "M"
}

func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}
