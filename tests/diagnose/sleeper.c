/* Not a deadlock: a program that sleeps past the timeout is a hang (a timer would wake it). */
#include <unistd.h>
int main(void)
{
    sleep(60);
    return 0;
}
