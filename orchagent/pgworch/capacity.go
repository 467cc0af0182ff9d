package pgworch

import (
	"context"
	"fmt"

	"github.com/vltgw/vltgw/hal/halclient"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// PlatformCapacity asks the platform behind the HAL at address for its
// MY_MAC capacity (HelloResponse.tables), for Options.Capacity. syncd
// offers orchagent no CRM query, so cmd/orchagent may read it once at
// start; ctx bounds the wait for the platform.
func PlatformCapacity(ctx context.Context, address string) (int, error) {
	c, err := halclient.Dial(ctx, halclient.Options{Address: address, Client: "orchagent-pgw"})
	if err != nil {
		return 0, fmt.Errorf("pgworch: MY_MAC capacity from %s: %w", address, err)
	}
	defer c.Close()
	for _, t := range c.Hello().GetTables() {
		if t.GetType() == halv1.ObjectType_OBJECT_TYPE_MY_MAC {
			return int(t.GetCapacity()), nil
		}
	}
	return 0, fmt.Errorf("pgworch: the platform at %s reports no MY_MAC table size", address)
}
