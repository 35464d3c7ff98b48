#include "cli/app.h"

int main(int argc, char** argv) { return charter::cli::run(argc, argv); }
