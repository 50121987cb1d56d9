// Run-time choice of the instruction-set path. x86-64 only; every other CPU runs the generic code.
#pragma once

namespace tessera {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

// The best path this CPU and OS support (AVX2 needs AVX2+FMA; AVX-512 needs F, DQ, BW and VL, with
// the OS saving the wide registers), lowered by TESSERA_ISA=generic|avx2|avx512 if set.
// Computed once; cheap to call.
Isa detected_isa();
const char* isa_name(Isa isa);

}  // namespace tessera
