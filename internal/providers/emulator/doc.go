// Package emulator holds what the providers' API emulators (edistest,
// glesystest, subletest, vpsbgtest, cyberpaneltest) share: injected
// faults and request counters. Each emulator keeps what is its
// provider's own (routes, state, the shape of an error body); tests
// speak one fault vocabulary whichever provider they drive.
package emulator
