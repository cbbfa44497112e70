// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpctl's entry point; the CLI itself is xdpctl_main() (testable in-process). */
#include <stdio.h>

#include "xdpctl.h"

int main(int argc, char **argv)
{
	return xdpctl_main(argc, argv, stdout, stderr);
}
