package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Command is one leaf of the command tree.
type Command struct {
	// Path is the words that select the command, e.g. "show vlan brief".
	Path string
	// Args describes the positional arguments for the usage line.
	Args string
	// Summary is a one-line description.
	Summary string
	// Flags, when set, defines the command's own flags. Every command also
	// has -o text|json.
	Flags func(fs *flag.FlagSet)
	// Run does the work. args are the positional arguments after the path.
	Run func(ctx context.Context, env *Env, args []string) error
}

// App is the command registry and dispatcher.
type App struct {
	name string
	cmds map[string]*Command
}

// New returns an empty App for the program name.
func New(name string) *App { return &App{name: name, cmds: map[string]*Command{}} }

// ErrUsage is returned (wrapped) for bad command lines; the caller exits 2.
var ErrUsage = errors.New("usage")

// Register adds a command. A path may not be registered twice, nor be a
// prefix of another command's path.
func (a *App) Register(c Command) error {
	words := strings.Fields(c.Path)
	if len(words) == 0 || c.Run == nil {
		return fmt.Errorf("cli: command %q needs a path and Run", c.Path)
	}
	path := strings.Join(words, " ")
	for p := range a.cmds {
		if p == path || strings.HasPrefix(p+" ", path+" ") || strings.HasPrefix(path+" ", p+" ") {
			return fmt.Errorf("cli: command %q clashes with %q", path, p)
		}
	}
	c.Path = path
	a.cmds[path] = &c
	return nil
}

// RegisterAll registers each command and returns the errors joined.
func (a *App) RegisterAll(cs ...Command) error {
	var errs []error
	for _, c := range cs {
		errs = append(errs, a.Register(c))
	}
	return errors.Join(errs...)
}

// Run parses the global flags and runs the selected command. It returns the
// process exit status: 0 ok, 1 failure, 2 usage.
func (a *App) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &Env{Stdout: stdout, Stderr: stderr}
	defer env.Close()
	global := flag.NewFlagSet(a.name, flag.ContinueOnError)
	global.SetOutput(stderr)
	env.globalFlags(global)
	global.Usage = func() { a.usage(stderr, nil) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		a.usage(stdout, nil)
		return 0
	}
	if rest[0] == "help" {
		a.usage(stdout, rest[1:])
		return 0
	}
	cmd, n := a.lookup(rest)
	if cmd == nil {
		if n == len(rest) {
			fmt.Fprintf(stderr, "%s: %q needs a subcommand\n", a.name, strings.Join(rest, " "))
		} else {
			fmt.Fprintf(stderr, "%s: unknown command %q\n", a.name, strings.Join(rest[:n+1], " "))
		}
		a.usage(stderr, rest[:n])
		return 2
	}
	pos, err := a.parseCommand(cmd, env, rest[n:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if err := env.checkOutput(); err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", a.name, cmd.Path, err)
		return 2
	}
	if err := cmd.Run(ctx, env, pos); err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", a.name, cmd.Path, err)
		if errors.Is(err, ErrUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// lookup finds the command whose path is a prefix of args. n is how many
// words matched (the longest known prefix when no command matched).
func (a *App) lookup(args []string) (*Command, int) {
	best := 0
	for i := len(args); i > 0; i-- {
		p := strings.Join(args[:i], " ")
		if c, ok := a.cmds[p]; ok {
			return c, i
		}
		if best == 0 && a.isGroup(p) {
			best = i
		}
	}
	return nil, best
}

func (a *App) isGroup(prefix string) bool {
	for p := range a.cmds {
		if strings.HasPrefix(p, prefix+" ") {
			return true
		}
	}
	return false
}

// parseCommand parses the command's flags, allowed anywhere among its
// positional arguments.
func (a *App) parseCommand(c *Command, env *Env, args []string) ([]string, error) {
	fs := flag.NewFlagSet(a.name+" "+c.Path, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&env.Output, "o", env.Output, "output format: text or json")
	if c.Flags != nil {
		c.Flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: %s %s [flags] %s\n  %s\n", a.name, c.Path, c.Args, c.Summary)
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// usage lists the commands under prefix (all when empty).
func (a *App) usage(w io.Writer, prefix []string) {
	p := strings.Join(prefix, " ")
	fmt.Fprintf(w, "usage: %s [--db-config file] [--socket path] [-o text|json] <command> [flags] [args]\n\ncommands:\n", a.name)
	paths := make([]string, 0, len(a.cmds))
	for path := range a.cmds {
		if p == "" || path == p || strings.HasPrefix(path, p+" ") {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		c := a.cmds[path]
		fmt.Fprintf(w, "  %-36s %s\n", strings.TrimSpace(path+" "+c.Args), c.Summary)
	}
}
