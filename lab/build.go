package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// BuildDaemons builds the lab's daemons (Daemons) into dir with the go
// command on PATH (else GOROOT's), by import path, so it works from any
// directory of the module. Tests and benchmarks use it to run the current
// code rather than whatever bin/ holds.
func BuildDaemons(ctx context.Context, dir string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, d := range Daemons {
		args = append(args, "github.com/vltgw/vltgw/cmd/"+d)
	}
	if out, err := exec.CommandContext(ctx, goBin, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Leftovers lists the live (not zombie) processes whose command line
// mentions dir, as "pid: command line": what a lab in dir left running.
func Leftovers(dir string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(b, []byte(dir)) {
			continue
		}
		if _, state, err := procStat(pid); err == nil && state != "Z" {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}
