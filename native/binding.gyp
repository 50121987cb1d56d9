# The Tessera addon. Portable sources (everything under src/ but *_avx2.cc and *_avx512.cc, listed by
# sources.cjs) form the addon itself and rely on auto-vectorization; on x86-64 the ISA-specific
# translation units are compiled in their own static libraries, each with its own flags, and chosen
# at run time from CPUID (src/cpu.cc). Never -march=native: the binary must run on any CPU of the
# target architecture.
#
# -fno-math-errno and -fno-trapping-math are not -ffast-math: results, NaN and infinities are
# unchanged. They only tell the compiler that errno and floating-point exception flags are never
# read, so sqrt can be inlined and branchy loops (x > 0 ? a : b) if-converted and vectorized.
{
  'variables': {
    'napi_include': '<!(node -p "require(\'node-addon-api\').include_dir")',
    # TESSERA_SANITIZE=1 (scripts/native-asan.sh) builds with AddressSanitizer and UBSan.
    'sanitize%': '<!(node -p "process.env.TESSERA_SANITIZE === \'1\' ? 1 : 0")',
  },
  'target_defaults': {
    'include_dirs': ['<(napi_include)', 'src'],
    'defines': ['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
    'cflags': ['-O3', '-fPIC', '-fno-math-errno', '-fno-trapping-math', '-Wall', '-Wextra', '-Wno-unused-parameter'],
    'cflags_cc': ['-std=c++17'],
    'xcode_settings': {
      'OTHER_CFLAGS': ['-O3', '-fno-math-errno', '-fno-trapping-math'],
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'MACOSX_DEPLOYMENT_TARGET': '11.0',
    },
    'msvs_settings': { 'VCCLCompilerTool': { 'AdditionalOptions': ['/std:c++17', '/O2'] } },
    'conditions': [
      # -z now: resolve every symbol when the addon is loaded, so that a missing one fails the load
      # (and Tessera falls back to js, saying why) instead of killing the process at first call.
      ['OS=="linux"', { 'ldflags': ['-pthread', '-Wl,-z,now'], 'cflags': ['-pthread'] }],
      ['sanitize==1', {
        'cflags': ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-O1', '-g'],
        'ldflags': ['-fsanitize=address,undefined'],
      }],
    ],
  },
  'targets': [
    {
      'target_name': 'tessera',
      'sources': ['<!@(node sources.cjs generic)'],
      'conditions': [
        ['target_arch=="x64"', {
          'defines': ['TESSERA_X86=1'],
          'dependencies': ['tessera_avx2', 'tessera_avx512'],
        }],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'tessera_avx2',
          'type': 'static_library',
          'sources': ['<!@(node sources.cjs avx2)'],
          'defines': ['TESSERA_X86=1'],
          'cflags': ['-mavx2', '-mfma', '-mf16c'],
          'xcode_settings': { 'OTHER_CFLAGS': ['-mavx2', '-mfma', '-mf16c'] },
          'msvs_settings': { 'VCCLCompilerTool': { 'AdditionalOptions': ['/arch:AVX2'] } },
        },
        {
          'target_name': 'tessera_avx512',
          'type': 'static_library',
          'sources': ['<!@(node sources.cjs avx512)'],
          'defines': ['TESSERA_X86=1'],
          'cflags': ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma', '-mf16c'],
          'xcode_settings': { 'OTHER_CFLAGS': ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma', '-mf16c'] },
          'msvs_settings': { 'VCCLCompilerTool': { 'AdditionalOptions': ['/arch:AVX512'] } },
        },
      ],
    }],
  ],
}
