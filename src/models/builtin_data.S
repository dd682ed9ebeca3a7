/* The built-in model files, embedded into the executable at build time.
   CMake passes -Wa,-I<repo>/models and defines BOTRECON_HAVE_<NAME> for each
   model file present, so a build without a model file still links (the model
   then reports itself missing). */
#define EMBED(sym, file)            \
  .section .rodata;                 \
  .global sym##_start;              \
  .global sym##_end;                \
  .balign 16;                       \
  sym##_start:;                     \
  .incbin file;                     \
  sym##_end:;                       \
  .byte 0

#define EMPTY(sym)                  \
  .section .rodata;                 \
  .global sym##_start;              \
  .global sym##_end;                \
  sym##_start:;                     \
  sym##_end:;                       \
  .byte 0

#ifdef BOTRECON_HAVE_RFOREST
EMBED(botrecon_model_rforest, "rforest.brm")
#else
EMPTY(botrecon_model_rforest)
#endif

#ifdef BOTRECON_HAVE_SVM
EMBED(botrecon_model_svm, "svm.brm")
#else
EMPTY(botrecon_model_svm)
#endif

#ifdef BOTRECON_HAVE_RFOREST_EXPERIMENTAL
EMBED(botrecon_model_rforest_experimental, "rforest-experimental.brm")
#else
EMPTY(botrecon_model_rforest_experimental)
#endif

.section .note.GNU-stack,"",@progbits
