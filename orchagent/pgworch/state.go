package pgworch

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vltgw/vltgw/orchagent/proxygw"
)

// writtenRow is what the orch last wrote to a STATE_DB row; sig is what
// decides a rewrite (expires_in, which moves with the clock, is
// represented by the absolute expiry).
type writtenRow struct {
	table, key string
	sig        string
}

type rowOut struct {
	table, key string
	fields     map[string]string
	sig        string
}

type domMAC struct {
	id  int
	mac proxygw.MAC
}

// publish writes the STATE_DB rows that changed and deletes those that went.
func (p *Orch) publish(in *proxygw.Intent, now time.Time) {
	var out []rowOut
	kinds := map[domMAC][]string{}
	want := map[domMAC]proxygw.VLANSet{}
	for m, srcs := range proxygw.Sources(in) {
		for _, s := range srcs {
			k := domMAC{s.Domain, m}
			kinds[k] = append(kinds[k], s.Kind.String())
			want[k] = want[k].Union(in.L3VLANs.Minus(s.Exclude))
		}
	}
	type domTotals struct {
		installed, failed int
		errs              []string
	}
	totals := map[int]*domTotals{}
	keys := make([]domMAC, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].id != keys[j].id {
			return keys[i].id < keys[j].id
		}
		return keys[i].mac.Less(keys[j].mac)
	})
	for _, k := range keys {
		st := p.tracker.Status(k.mac, want[k])
		tot := totals[k.id]
		if tot == nil {
			tot = &domTotals{}
			totals[k.id] = tot
		}
		tot.installed += st.Installed.Len()
		tot.failed += st.Failed.Len()
		if st.Error != "" {
			tot.errs = append(tot.errs, k.mac.String()+": "+st.Error)
		}
		f := map[string]string{
			"source": strings.Join(kinds[k], ","), "learned_on": "", "neighbor": "", "expires_in": "",
			"vlans_installed": st.Installed.String(), "vlans_failed": st.Failed.String(),
			"state": st.State, "error": st.Error,
		}
		var expiry time.Time
		if lr, ok := p.learned[k.id][k.mac]; ok && p.pgs[k.id] != nil && p.pgs[k.id].mode == proxygw.ModeLLDP {
			f["learned_on"], f["neighbor"] = lr.learnedOn, lr.neighbor
			expiry = p.expiry(k.mac)
		}
		if dl := p.deadline[k.id]; !dl.IsZero() && k.mac == in.Domains[k.id].PeerMAC && in.Domains[k.id].PeerRoutingActive {
			expiry = dl // the peer is down: routed until the timeout ends
		}
		if !expiry.IsZero() {
			f["expires_in"] = strconv.Itoa(int(max(expiry.Sub(now), 0).Round(time.Second) / time.Second))
		}
		out = append(out, rowOut{table: StateRemoteMACTable, key: strconv.Itoa(k.id) + "|" + k.mac.String(), fields: f,
			sig: sigOf(f, "expires_in") + "|" + expiry.String()})
	}
	for id, g := range p.pgs {
		tot := totals[id]
		if tot == nil {
			tot = &domTotals{}
		}
		f := map[string]string{
			"mode": g.mode.String(), "oper_status": "up", "error": "", "peer_domain_link": g.peerLink,
			"entries_installed": strconv.Itoa(tot.installed), "entries_failed": strconv.Itoa(tot.failed),
		}
		if p.domains[id] == nil {
			f["oper_status"] = "down"
			f["error"] = fmt.Sprintf("VLT domain %d is not configured (no %s:%d row)", id, AppDomain, id)
		} else if len(tot.errs) > 0 {
			const most = 4
			e := tot.errs
			if len(e) > most {
				e = append(e[:most:most], fmt.Sprintf("and %d more MACs", len(tot.errs)-most))
			}
			f["error"] = fmt.Sprintf("%d MY_MAC entries not installed: %s", tot.failed, strings.Join(e, "; "))
		}
		dl := p.peerFields(id, in, now, f)
		out = append(out, rowOut{table: StateProxyGWTable, key: strconv.Itoa(id), fields: f, sig: sigOf(f, "peer_routing_expires_in") + "|" + dl})
	}
	out = append(out, p.crmRow())

	seen := make(map[string]bool, len(out))
	for _, r := range out {
		name := r.table + "|" + r.key
		seen[name] = true
		if w, ok := p.written[name]; ok && w.sig == r.sig {
			continue
		}
		p.written[name] = writtenRow{table: r.table, key: r.key, sig: r.sig}
		p.env.State.SetState(r.table, r.key, r.fields)
	}
	for name, w := range p.written {
		if !seen[name] {
			delete(p.written, name)
			p.env.State.DelState(w.table, w.key)
		}
	}
}

// expiry is the latest time a neighbour advertising m expires (zero when
// unknown).
func (p *Orch) expiry(m proxygw.MAC) time.Time {
	var at time.Time
	for _, n := range p.neighbors {
		for _, x := range n.macs {
			if x == m && n.expires.After(at) {
				at = n.expires
			}
		}
	}
	return at
}

// crmRow is CRM_TABLE|my_mac.
func (p *Orch) crmRow() rowOut {
	used, failed := p.tracker.Counts()
	f := map[string]string{"used": strconv.Itoa(used), "failed": strconv.Itoa(failed)}
	capacity, source := p.capacity()
	f["capacity_source"] = source
	if capacity > 0 {
		f["capacity"] = strconv.Itoa(capacity)
		f["available"] = strconv.Itoa(max(capacity-used, 0))
	}
	return rowOut{table: StateCRMTable, key: CRMKey, fields: f, sig: sigOf(f, "")}
}

// sigOf renders fields in key order, leaving skip out.
func sigOf(f map[string]string, skip string) string {
	var b strings.Builder
	for _, k := range sortedKeys(f) {
		if k == skip {
			continue
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(f[k])
		b.WriteByte(0)
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
