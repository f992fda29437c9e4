{
  "targets": [
    {
      "target_name": "tfjs_backend_torch",
      "sources": [
        "csrc/addon.cc",
        "csrc/elementwise.cc",
        "csrc/shape_reduce.cc",
        "csrc/nn.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node -p \"(process.env.TORCH_INCLUDE_DIRS || '/usr/include /usr/include/torch/csrc/api/include').split(' ').join(' ')\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "<!(node -p \"'_GLIBCXX_USE_CXX11_ABI=' + (process.env.TORCH_CXX11_ABI || '1')\")"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter"],
      "libraries": [
        "<!@(node -p \"'-L' + (process.env.TORCH_LIB_DIR || '/usr/lib/x86_64-linux-gnu')\")",
        "<!@(node -p \"'-Wl,-rpath,' + (process.env.TORCH_LIB_DIR || '/usr/lib/x86_64-linux-gnu')\")",
        "-ltorch", "-ltorch_cpu", "-lc10", "-ldl"
      ]
    }
  ]
}
