package orchagent

import "github.com/vltgw/vltgw/orchagent/sairedis"

// coppOrch installs SONiC's default control-plane trap vltgw needs: LLDP
// frames go to the CPU (HOSTIF_TRAP TRAP_TYPE=LLDP, PACKET_ACTION=TRAP) in
// the default trap group. It owns no APP_DB table.
type coppOrch struct {
	env  *Env
	trap uint64
}

func newCoppOrch(env *Env) *coppOrch { return &coppOrch{env: env} }

func (o *coppOrch) Name() string      { return "copp" }
func (o *coppOrch) Tables() []string  { return nil }
func (o *coppOrch) Sync(*Task) Result { return Applied() }
func (o *coppOrch) TrapID() uint64    { return o.trap }

func (o *coppOrch) Start() error {
	attrs := []sairedis.Attr{
		sairedis.Enum(attrTrapType, trapTypeLLDP),
		sairedis.Enum(attrTrapAction, actionTrap),
	}
	if o.env.Switch.TrapGroup != 0 {
		attrs = append(attrs, sairedis.OID(attrTrapGroup, o.env.Switch.TrapGroup))
	}
	vid, err := o.env.ASIC.Create(tHostifTrap, attrs, func(err error) {
		if err != nil {
			o.env.Log.Error().Err(err).Msg("LLDP trap refused; LLDP frames will not reach the CPU")
			o.trap = 0
		}
	})
	if err != nil {
		return err
	}
	o.trap = vid
	return nil
}
