//go:build !unix

package main

import "time"

func peakRSS() uint64        { return 0 }
func userCPU() time.Duration { return 0 }
