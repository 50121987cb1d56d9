// Internal to the GEMM driver (generic code only; never include from an ISA translation unit):
// packing of A blocks into MR-row panels and of B blocks into NR-column panels, from any strides.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tessera {
namespace gemm {

// A full panel packed by an ISA routine from an operand contiguous along k (or nullptr).
template <typename T>
using PanelFn = void (*)(int64_t kc, const T* src, int64_t stride, T* dst);

// A block (mc x kc, element (i, p) at a[i*rsa + p*csa]) -> panels of MR rows, each stored
// column by column: dst[panel*kc*MR + p*MR + i]. Rows past mc are zero.
template <typename T, int MR, PanelFn<T> Rows>
void pack_a(int64_t mc, int64_t kc, const T* a, int64_t rsa, int64_t csa, T* dst) {
  for (int64_t ir = 0; ir < mc; ir += MR, dst += kc * MR) {
    const int64_t r = std::min<int64_t>(MR, mc - ir);
    const T* src = a + ir * rsa;
    if (r == MR && rsa == 1) {
      for (int64_t p = 0; p < kc; ++p) {
        const T* s = src + p * csa;
        T* d = dst + p * MR;
        for (int i = 0; i < MR; ++i) d[i] = s[i];
      }
    } else if (Rows != nullptr && r == MR && csa == 1) {
      Rows(kc, src, rsa, dst);
    } else if (r == MR && csa == 1) {
      // Rows are contiguous: transpose in 8-column strips so that reads stay sequential per
      // row and the strip being written stays in L1.
      int64_t p = 0;
      for (; p + 8 <= kc; p += 8) {
        for (int i = 0; i < MR; ++i) {
          const T* s = src + i * rsa + p;
          for (int q = 0; q < 8; ++q) dst[(p + q) * MR + i] = s[q];
        }
      }
      for (; p < kc; ++p) {
        for (int i = 0; i < MR; ++i) dst[p * MR + i] = src[i * rsa + p];
      }
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        T* d = dst + p * MR;
        int64_t i = 0;
        for (; i < r; ++i) d[i] = src[i * rsa + p * csa];
        for (; i < MR; ++i) d[i] = T(0);
      }
    }
  }
}

// B block (kc x nc, element (p, j) at b[p*rsb + j*csb]) -> panels of NR columns, each stored row
// by row: dst[panel*kc*NR + p*NR + j]. Columns past nc are zero.
template <typename T, int NR, PanelFn<T> Cols>
void pack_b(int64_t kc, int64_t nc, const T* b, int64_t rsb, int64_t csb, T* dst) {
  for (int64_t jr = 0; jr < nc; jr += NR, dst += kc * NR) {
    const int64_t r = std::min<int64_t>(NR, nc - jr);
    const T* src = b + jr * csb;
    if (r == NR && csb == 1) {
      for (int64_t p = 0; p < kc; ++p) {
        const T* s = src + p * rsb;
        T* d = dst + p * NR;
        for (int j = 0; j < NR; ++j) d[j] = s[j];
      }
    } else if (Cols != nullptr && r == NR && rsb == 1) {
      Cols(kc, src, csb, dst);
    } else if (r == NR && rsb == 1) {
      int64_t p = 0;
      for (; p + 8 <= kc; p += 8) {
        for (int j = 0; j < NR; ++j) {
          const T* s = src + j * csb + p;
          for (int q = 0; q < 8; ++q) dst[(p + q) * NR + j] = s[q];
        }
      }
      for (; p < kc; ++p) {
        for (int j = 0; j < NR; ++j) dst[p * NR + j] = src[j * csb + p];
      }
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        T* d = dst + p * NR;
        int64_t j = 0;
        for (; j < r; ++j) d[j] = src[p * rsb + j * csb];
        for (; j < NR; ++j) d[j] = T(0);
      }
    }
  }
}

}  // namespace gemm
}  // namespace tessera
