//go:build !linux

package vs

import (
	"errors"
	"time"

	"github.com/rs/zerolog"
)

func newAFPacketWire(ifname string, _ time.Duration, _ zerolog.Logger) (Wire, error) {
	return nil, errors.New("afpacket wire " + ifname + ": AF_PACKET needs Linux")
}
