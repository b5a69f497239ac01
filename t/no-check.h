/*
 * efsgw - forced into the unit tests by configure when the Check
 * framework was not found: make check stops here, saying what to install.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#error "make check needs the Check unit-test framework: apt-get install check (Debian), then run configure again"
