#include "textflag.h"

// func getg() unsafe.Pointer
//
// On wasm the runtime keeps the current g in a global of the module,
// which the assembler calls g.
TEXT ·getg(SB),NOSPLIT,$0-8
	MOVD g, ret+0(FP)
	RET
