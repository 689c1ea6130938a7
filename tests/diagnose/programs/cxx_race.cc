// A C++ program: two std::threads push to one std::vector, one of them without the lock.
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

static std::vector<int> items;
static std::mutex mu;
static long pushes;

static void locked_push(int n)
{
    for (int i = 0; i < n; i++) {
        std::lock_guard<std::mutex> g(mu);
        items.push_back(i);
    }
}

static void count_pushes(int n)
{
    for (int i = 0; i < n; i++)
        pushes++; // both threads, no lock: the race
}

int main()
{
    std::thread a([] { locked_push(1000); count_pushes(1000); });
    std::thread b([] { locked_push(1000); count_pushes(1000); });
    a.join();
    b.join();
    std::printf("%zu %ld\n", items.size(), pushes);
}
