#include "vtest.h"
int main(void){return vtest_done("test_msg_malformed");}
