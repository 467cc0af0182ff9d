// Command vltgw is the operator CLI of a vltgw switch (SONiC-like):
//
//	vltgw [--db-config file] [--socket path] [-o text|json] <command> [args]
//
// Commands are registered in package cli; other packages add theirs here.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/cli"
	"github.com/vltgw/vltgw/lab"
)

// quiet drops go-redis' own dial-retry log lines; the command reports the
// error itself.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func main() {
	redis.SetLogger(quiet{})
	app := cli.New("vltgw")
	// Add other command sets here (show vlt …, config vlt …, lab …).
	for _, register := range []func(*cli.App) error{
		cli.Builtin,
		cli.Vlt,
		lab.Register,
	} {
		if err := register(app); err != nil {
			fmt.Fprintln(os.Stderr, "vltgw:", err)
			os.Exit(1)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
