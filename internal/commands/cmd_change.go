package commands

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func imagesCmd() *Command {
	return &Command{
		Name: "images", Summary: "List the images a server can be reinstalled with", Tool: "list_images",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapImages, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			imgs, err := inv.Provider.Images(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"IMAGE", "NAME", "KIND"}}
			for _, i := range imgs {
				t.Rows = append(t.Rows, []string{i.ID, i.Name, i.Kind})
			}
			return Result{Title: count(len(imgs), "image") + " for " + inv.Target, Table: t, Data: map[string]any{"images": nonNil(imgs)}}, nil
		},
	}
}

func reinstallCmd() *Command {
	return &Command{
		Name: "reinstall", Summary: "Erase a server and install a fresh image", Tool: "reinstall_server",
		Permission: "server.reinstall", Risk: Destructive, Needs: driver.CapReinstall, SecretResult: true,
		Args: []Arg{
			serverArg,
			{Name: "image", Kind: KindName, Required: true, Positional: true, Help: "image id from `images`"},
			{Name: "password", Kind: KindSecret, Help: "new root password (min 8); generated when omitted"},
		},
		// The password is settled before the gate so that what is
		// confirmed is exactly what runs, and so that the request carries
		// a secret and therefore runs only in the requester's process.
		Prepare: func(ctx context.Context, inv *Invocation) error {
			a := inv.Args
			if err := checkImage(ctx, inv); err != nil {
				return err
			}
			if !inv.Provider.SetsRootPassword() {
				if a.String("password") != "" {
					return fmt.Errorf("%s cannot set a root password on reinstall (it installs your SSH keys); leave out password=", inv.Provider.DisplayName())
				}
				return nil
			}
			if a.String("password") == "" {
				pw, err := generatePassword(20)
				if err != nil {
					return err
				}
				a["password"] = pw
				a[generatedMark] = true
			}
			return nil
		},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			pw := inv.Args.String("password")
			op, err := inv.Provider.Reinstall(ctx, inv.ServerID, driver.ReinstallOptions{Image: inv.Args.String("image"), Password: pw})
			if err != nil {
				return Result{}, err
			}
			// From here the provider has the password: the requester must
			// get a generated one whatever happens next.
			var secret []Field
			if inv.Args[generatedMark] == true {
				secret = []Field{{Name: "root password", Value: pw}}
			}
			if err := inv.Wait(ctx, op); err != nil {
				return Result{Secret: secret}, err
			}
			res, err := finalState(ctx, inv, fmt.Sprintf("%s reinstalled with %s", inv.Target, inv.Args.String("image")), driver.StatusRunning)
			res.Secret = secret
			switch {
			case secret != nil:
				res.Text = "A root password was generated; it is shown only to you, once. Store it now."
			case !inv.Provider.SetsRootPassword():
				res.Text = "No password was set: log in with the SSH keys this provider installs (ssh_keys in the config)."
				if inv.Provider.Has(driver.CapLogin) {
					res.Text += " Its generated login can be read once with `login " + inv.Target + "`."
				}
			}
			return res, err
		},
	}
}

// checkImage refuses an image the provider does not list, so nobody is
// asked to confirm or approve a reinstall that cannot work. When the list
// cannot be read, the provider's own answer at execution decides.
func checkImage(ctx context.Context, inv *Invocation) error {
	if !inv.Provider.Has(driver.CapImages) {
		return nil
	}
	imgs, err := inv.Provider.Images(ctx, inv.ServerID)
	if err != nil {
		return nil
	}
	want := inv.Args.String("image")
	var ids []string
	for _, im := range imgs {
		if im.ID == want {
			return nil
		}
		ids = append(ids, im.ID)
	}
	const show = 8
	list := strings.Join(ids[:min(len(ids), show)], ", ")
	if len(ids) > show {
		list += ", …"
	}
	return fmt.Errorf("%s offers no such image for %s (`images %s` lists them: %s)", inv.Provider.DisplayName(), inv.Target, inv.Target, list) // the value may be a password typed in the wrong place
}

// generatedMark flags an argument set whose password vpsops generated. It
// is not a declared argument, so it is never audited or stored.
const generatedMark = "\x00generated"

// generatePassword returns n characters from an alphabet without look-alikes.
func generatePassword(n int) (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!"
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("generating a password: %w", err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b), nil
}

func deleteCmd() *Command {
	return &Command{
		Name: "delete", Summary: "Delete (or cancel, for billing-level APIs) a server", Tool: "delete_server",
		Permission: "server.delete", Risk: Destructive, Needs: driver.CapDestroy, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.Destroy(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			if err := inv.Wait(ctx, op); err != nil {
				return Result{}, err
			}
			// Some providers' delete is a billing cancellation: say what
			// actually happened, not what was asked.
			res := Result{Title: fmt.Sprintf("%s deleted", inv.Target)}
			if s, err := inv.Provider.GetServer(ctx, inv.ServerID); err == nil {
				res.Title = fmt.Sprintf("%s: deletion accepted; the server still exists (%s)", inv.Target, statusWord(*s))
				if op != nil {
					res.Text = op.Description // what the provider does instead (a billing cancellation)
				}
			} else if fault.ClassOf(err) != fault.NotFound {
				res.Notes = append(res.Notes, "could not check that the server is gone: "+safeMessage(err))
			}
			return res, nil
		},
	}
}

func consoleCmd() *Command {
	return &Command{
		Name: "console", Summary: "Open a remote console (credentials shown only to you)", Tool: "get_console",
		Permission: "server.console", Risk: Sensitive, Needs: driver.CapConsole, SecretResult: true, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			c, err := inv.Provider.Console(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			res := Result{Title: fmt.Sprintf("Console for %s ready", inv.Target), Text: "The credentials are shown only to you."}
			res.Fields = append(res.Fields, Field{Name: "Kind", Value: c.Kind})
			if !c.ExpiresAt.IsZero() {
				res.Fields = append(res.Fields, Field{Name: "Expires", Value: c.ExpiresAt.UTC().Format(time.RFC3339)})
			}
			if c.URL != "" {
				res.Secret = append(res.Secret, Field{Name: "URL", Value: c.URL})
			}
			if c.Host != "" {
				res.Secret = append(res.Secret, Field{Name: "Address", Value: fmt.Sprintf("%s:%d", c.Host, c.Port)})
			}
			if c.Password != "" {
				res.Secret = append(res.Secret, Field{Name: "Password", Value: c.Password})
			}
			return res, nil
		},
	}
}

func loginCmd() *Command {
	return &Command{
		Name: "login", Summary: "Show a fresh server's initial login once (only to you), then clear it", Tool: "get_initial_login",
		Permission: "server.console", Risk: Sensitive, Needs: driver.CapLogin, SecretResult: true, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			l, err := inv.Provider.InitialLogin(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			res := Result{Title: fmt.Sprintf("Initial login of %s", inv.Target), Text: "Shown only to you."}
			res.Fields = append(res.Fields, Field{Name: "Protocol", Value: l.Protocol}, Field{Name: "User", Value: l.Username})
			if l.Host != "" {
				res.Fields = append(res.Fields, Field{Name: "Host", Value: l.Host})
			}
			res.Secret = []Field{{Name: "Password", Value: l.Password}}
			if l.Cleared {
				res.Text += " The provider has now forgotten it: store it, then change it on the server."
			} else {
				res.Notes = append(res.Notes, "the provider could not be told to forget it; change the password on the server")
			}
			return res, nil
		},
	}
}

func isosCmd() *Command {
	return &Command{
		Name: "isos", Summary: "List the ISO images that can be mounted", Tool: "list_isos",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapISO, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			isos, err := inv.Provider.ISOs(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"ISO", "NAME", "MOUNTED"}}
			for _, i := range isos {
				t.Rows = append(t.Rows, []string{i.ID, i.Name, map[bool]string{true: "yes"}[i.Mounted]})
			}
			return Result{Title: count(len(isos), "ISO") + " for " + inv.Target, Table: t, Data: map[string]any{"isos": nonNil(isos)}}, nil
		},
	}
}

func isoMountCmd() *Command {
	return &Command{
		Name: "iso mount", Summary: "Mount an ISO image (e.g. a rescue system)", Tool: "mount_iso",
		Permission: "server.iso", Risk: Change, Needs: driver.CapISO, Idempotent: true,
		Args: []Arg{serverArg, {Name: "iso", Kind: KindName, Required: true, Positional: true, Help: "ISO id from `isos`"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.MountISO(ctx, inv.ServerID, inv.Args.String("iso"))
			if err == nil {
				err = inv.Wait(ctx, op)
			}
			if err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("%s mounted on %s", inv.Args.String("iso"), inv.Target), Text: "It boots from the ISO at the next restart."}, nil
		},
	}
}

func isoUnmountCmd() *Command {
	return &Command{
		Name: "iso unmount", Summary: "Unmount the mounted ISO image", Tool: "unmount_iso",
		Permission: "server.iso", Risk: Change, Needs: driver.CapISO, Idempotent: true, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.UnmountISO(ctx, inv.ServerID)
			if err == nil {
				err = inv.Wait(ctx, op)
			}
			if err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("ISO unmounted from %s", inv.Target)}, nil
		},
	}
}

func ptrCmd() *Command {
	return &Command{
		Name: "ptr", Summary: "Show the reverse DNS (PTR) records of a server's addresses", Tool: "get_ptr",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapPTR, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			ptrs, err := inv.Provider.PTRs(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"IP", "PTR"}}
			for _, p := range ptrs {
				t.Rows = append(t.Rows, []string{p.IP, p.Hostname})
			}
			return Result{Title: fmt.Sprintf("PTR records of %s", inv.Target), Table: t, Data: map[string]any{"ptrs": nonNil(ptrs)}}, nil
		},
	}
}

func ptrSetCmd() *Command {
	return &Command{
		Name: "ptr set", Summary: "Set the reverse DNS name of one of a server's IPs", Tool: "set_ptr",
		Permission: "server.ptr", Risk: Change, Needs: driver.CapPTR, Idempotent: true,
		Args: []Arg{serverArg,
			{Name: "ip", Kind: KindIP, Required: true, Positional: true, Help: "one of the server's addresses"},
			{Name: "hostname", Kind: KindHostname, Required: true, Positional: true, Help: "fully qualified name"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			if err := inv.Provider.SetPTR(ctx, inv.ServerID, inv.Args.String("ip"), inv.Args.String("hostname")); err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("PTR of %s set to %s", inv.Args.String("ip"), inv.Args.String("hostname"))}, nil
		},
	}
}

func ptrResetCmd() *Command {
	return &Command{
		Name: "ptr reset", Summary: "Reset the reverse DNS name of an IP to the provider's default", Tool: "reset_ptr",
		Permission: "server.ptr", Risk: Change, Needs: driver.CapPTR, Idempotent: true,
		Args: []Arg{serverArg, {Name: "ip", Kind: KindIP, Required: true, Positional: true, Help: "one of the server's addresses"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			if err := inv.Provider.ResetPTR(ctx, inv.ServerID, inv.Args.String("ip")); err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("PTR of %s reset", inv.Args.String("ip"))}, nil
		},
	}
}

func snapshotsCmd() *Command {
	return &Command{
		Name: "snapshots", Summary: "List a server's snapshots", Tool: "list_snapshots",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapSnapshots, Args: []Arg{serverArg},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			snaps, err := inv.Provider.Snapshots(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"SNAPSHOT", "NAME", "CREATED", "SIZE", "STATUS"}}
			for _, s := range snaps {
				created := ""
				if !s.Created.IsZero() {
					created = s.Created.UTC().Format("2006-01-02 15:04")
				}
				size := ""
				if s.SizeGB > 0 {
					size = fmt.Sprintf("%.1f GB", s.SizeGB)
				}
				t.Rows = append(t.Rows, []string{s.ID, s.Name, created, size, s.Status})
			}
			return Result{Title: count(len(snaps), "snapshot") + " of " + inv.Target, Table: t, Data: map[string]any{"snapshots": nonNil(snaps)}}, nil
		},
	}
}

func snapshotCreateCmd() *Command {
	return &Command{
		Name: "snapshot create", Summary: "Take a snapshot of a server", Tool: "create_snapshot",
		Permission: "server.snapshot", Risk: Change, Needs: driver.CapSnapshot,
		Args: []Arg{serverArg, {Name: "name", Kind: KindName, Required: true, Positional: true, Help: "snapshot name"}},
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			op, err := inv.Provider.CreateSnapshot(ctx, inv.ServerID, inv.Args.String("name"))
			if err == nil {
				err = inv.Wait(ctx, op)
			}
			if err != nil {
				return Result{}, err
			}
			return Result{Title: fmt.Sprintf("Snapshot %s of %s created", inv.Args.String("name"), inv.Target)}, nil
		},
	}
}
