package vltisolation

import (
	"slices"

	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/swss"
)

// Beside returns a factory of one orch made of owner's orch and the
// isolation orch, for when owner's orch owns VLT_DOMAIN_TABLE (the agent
// gives a table to one orch): every VLT_DOMAIN_TABLE row goes to both, a
// row is in effect when both applied it; VLT_INTERFACE_TABLE goes to the
// isolation orch unless owner's orch owns it too; every other table to
// owner's orch. Starter and NotificationHandler are passed on.
func Beside(owner orchagent.OrchFactory) orchagent.OrchFactory {
	return func(env *orchagent.Env) (orchagent.Orch, error) {
		inner, err := owner(env)
		if err != nil {
			return nil, err
		}
		return &pair{inner: inner, iso: New(env), tables: inner.Tables(), innerApplied: map[string]*orchagent.Task{}}, nil
	}
}

type pair struct {
	inner  orchagent.Orch
	iso    *Orch
	tables []string // inner's
	// innerApplied holds, per VLT_DOMAIN_TABLE key, the task owner's orch
	// applied while the isolation orch keeps it pending. The agent syncs a
	// pending task again after every pass; owner's orch must not see it
	// again: its Sync may ask for another row's Sync (the proxy-gateway
	// orch's plan), which applies, so every pass would make progress and
	// the agent's passes would never end.
	innerApplied map[string]*orchagent.Task
}

func (p *pair) Name() string { return p.inner.Name() + "+" + p.iso.Name() }

func (p *pair) Tables() []string {
	out := slices.Clone(p.tables)
	for _, t := range p.iso.Tables() {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (p *pair) Sync(t *orchagent.Task) orchagent.Result {
	inner := slices.Contains(p.tables, t.Table)
	switch {
	case inner && t.Table == AppDomain:
		r := orchagent.Applied()
		if p.innerApplied[t.Key] != t {
			r = p.inner.Sync(t)
		}
		ri := p.iso.SyncDomain(t)
		delete(p.innerApplied, t.Key)
		if r != orchagent.Applied() {
			return r
		}
		if ri != orchagent.Applied() {
			p.innerApplied[t.Key] = t // synced again while it stays queued
		}
		return ri
	case inner:
		return p.inner.Sync(t)
	}
	return p.iso.Sync(t)
}

// Start implements orchagent.Starter for owner's orch.
func (p *pair) Start() error {
	if s, ok := p.inner.(orchagent.Starter); ok {
		return s.Start()
	}
	return nil
}

// HandleNotification implements orchagent.NotificationHandler for owner's
// orch.
func (p *pair) HandleNotification(n swss.Notification) {
	if h, ok := p.inner.(orchagent.NotificationHandler); ok {
		h.HandleNotification(n)
	}
}
