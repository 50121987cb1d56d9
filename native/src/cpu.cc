#include "cpu.h"

#include <cstdlib>
#include <cstring>

#if defined(TESSERA_X86) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define TESSERA_HAVE_CPUID 1
#elif defined(TESSERA_X86) && defined(_MSC_VER)
#include <intrin.h>
#define TESSERA_HAVE_CPUID 1
#endif

namespace tessera {
namespace {

#ifdef TESSERA_HAVE_CPUID
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER) && !defined(__clang__)
  int regs[4];
  __cpuidex(regs, static_cast<int>(leaf), static_cast<int>(sub));
  for (int i = 0; i < 4; i++) r[i] = static_cast<unsigned>(regs[i]);
#else
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

// XCR0: which register states the OS saves on context switch. Read with inline asm so that this
// file needs no -mxsave.
unsigned long long xgetbv0() {
#if defined(_MSC_VER) && !defined(__clang__)
  return _xgetbv(0);
#else
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

Isa probe() {
  unsigned r[4];
  cpuid(0, 0, r);
  const unsigned max_leaf = r[0];
  if (max_leaf < 7) return Isa::Generic;
  cpuid(1, 0, r);
  const bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1, fma = (r[2] >> 12) & 1;
  if (!osxsave || !avx) return Isa::Generic;
  const unsigned long long xcr0 = xgetbv0();
  const bool ymm_saved = (xcr0 & 0x6) == 0x6;      // SSE + AVX state
  const bool zmm_saved = (xcr0 & 0xe6) == 0xe6;    // + opmask, ZMM_Hi256, Hi16_ZMM
  cpuid(7, 0, r);
  const unsigned ebx = r[1];
  const bool avx2 = (ebx >> 5) & 1;
  const bool avx512f = (ebx >> 16) & 1, avx512dq = (ebx >> 17) & 1;
  const bool avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
  if (zmm_saved && avx512f && avx512dq && avx512bw && avx512vl && avx2 && fma) return Isa::Avx512;
  if (ymm_saved && avx2 && fma) return Isa::Avx2;
  return Isa::Generic;
}
#else
Isa probe() { return Isa::Generic; }
#endif

Isa compute() {
  Isa isa = probe();
  const char* want = std::getenv("TESSERA_ISA");
  if (want != nullptr) {
    // Only ever lowers the choice: asking for more than the CPU has would crash.
    Isa cap = isa;
    if (std::strcmp(want, "generic") == 0) cap = Isa::Generic;
    else if (std::strcmp(want, "avx2") == 0) cap = Isa::Avx2;
    else if (std::strcmp(want, "avx512") == 0) cap = Isa::Avx512;
    if (static_cast<int>(cap) < static_cast<int>(isa)) isa = cap;
  }
  return isa;
}

}  // namespace

Isa detected_isa() {
  static const Isa isa = compute();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "generic";
  }
}

}  // namespace tessera
