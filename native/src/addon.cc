// The addon's entry point: each binding file adds its functions to the exports object.
#include "common.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tessera::RegisterCore(env, exports);
  tessera::RegisterElementwise(env, exports);
  tessera::RegisterGemm(env, exports);
  tessera::RegisterConv(env, exports);
  tessera::RegisterOptim(env, exports);
  tessera::RegisterNorm(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tessera, Init)
