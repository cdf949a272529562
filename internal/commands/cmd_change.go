package commands

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Images, reinstall and delete: the commands that replace or remove a server.

func imagesCmd() *Command {
	return &Command{
		Name: "images", Summary: "List the images a server can be reinstalled with", Tool: "list_images",
		Permission: "server.read", Risk: Read, Idempotent: true, Needs: driver.CapImages, Args: []Arg{serverArg},
		Output: reflect.TypeFor[ImageList](),
		Run: func(ctx context.Context, inv *Invocation) (Result, error) {
			imgs, err := inv.Provider.Images(ctx, inv.ServerID)
			if err != nil {
				return Result{}, err
			}
			t := &Table{Columns: []string{"IMAGE", "NAME", "KIND"}, Size: sizeOf(len(imgs))}
			for _, i := range imgs {
				t.Rows = append(t.Rows, []string{i.ID, i.Name, i.Kind})
			}
			data := ImageList{ServerRef: refOf(inv), Images: nonNil(imgs), Size: sizeOf(len(imgs))}
			return Result{Title: count(len(imgs), "image") + " for " + inv.Target, Table: t, Data: data}, nil
		},
	}
}

func reinstallCmd() *Command {
	return &Command{
		Name: "reinstall", Summary: "Erase a server and install a fresh image", Tool: "reinstall_server",
		Permission: "server.reinstall", Risk: Destructive, Needs: driver.CapReinstall, SecretResult: true,
		Danger: "Every file on the server will be erased.",
		Output: reflect.TypeFor[ReinstallChange](),
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
				inv.Generated = map[string]bool{"password": true}
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
			if inv.Generated["password"] {
				secret = []Field{{Name: "root password", Value: pw}}
			}
			if err := inv.Wait(ctx, op); err != nil {
				return Result{Secret: secret}, err
			}
			res, status := finalState(ctx, inv, fmt.Sprintf("%s reinstalled with %s", inv.Target, inv.Args.String("image")), driver.StatusRunning)
			res.Secret = secret
			data := ReinstallChange{ServerChange: changeOf(inv), Image: inv.Args.String("image"), RootPassword: "given", Status: status}
			switch {
			case secret != nil:
				data.RootPassword = "generated"
				res.Text = "A root password was generated; it is shown only to you, once. Store it now."
			case !inv.Provider.SetsRootPassword():
				data.RootPassword = "none"
				res.Text = "No password was set: log in with the SSH keys this provider installs (ssh_keys in the config)."
				if inv.Provider.Has(driver.CapLogin) {
					res.Text += " Its generated login can be read once with `login " + inv.Target + "`."
				}
			}
			res.Data = data
			return res, nil
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
		Danger: "The server and its data will be gone; this cannot be undone.",
		Output: reflect.TypeFor[DeleteChange](),
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
			data := DeleteChange{ServerChange: changeOf(inv), Gone: true}
			if s, err := inv.Provider.GetServer(ctx, inv.ServerID); err == nil {
				res.Title = fmt.Sprintf("%s: deletion accepted; the server still exists (%s)", inv.Target, statusWord(*s))
				data.Gone, data.Status = false, string(s.Status)
				if op != nil {
					res.Text = op.Description // what the provider does instead (a billing cancellation)
					data.Detail = op.Description
				}
			} else if fault.ClassOf(err) != fault.NotFound {
				res.Notes = append(res.Notes, "could not check that the server is gone: "+safeMessage(err))
				data.Gone = false
			}
			res.Data = data
			return res, nil
		},
	}
}
