using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Tests.Gym;

public class SpacesTests
{
    [Fact]
    public void Discrete_contains_its_range_and_samples_inside_it()
    {
        var space = new Discrete(3, start: 2);
        Assert.True(space.Contains(2) && space.Contains(4));
        Assert.False(space.Contains(1) || space.Contains(5));
        space.Seed(1);
        var samples = Enumerable.Range(0, 200).Select(_ => space.Sample()).ToArray();
        Assert.All(samples, s => Assert.True(space.Contains(s)));
        Assert.Equal([2, 3, 4], samples.Distinct().Order());
    }

    [Fact]
    public void Seeded_sampling_repeats_and_different_seeds_differ()
    {
        var space = new Box(-1, 1, 2, 3);
        space.Seed(7);
        var a = Enumerable.Range(0, 5).Select(_ => space.Sample()).ToArray();
        space.Seed(7);
        var b = Enumerable.Range(0, 5).Select(_ => space.Sample()).ToArray();
        space.Seed(8);
        var c = space.Sample();
        Assert.True(a.Zip(b).All(p => space.ValuesEqual(p.First, p.Second)));
        Assert.False(space.ValuesEqual(a[0], c));
    }

    [Fact]
    public void Box_checks_bounds_and_shape()
    {
        var space = new Box([0f, -1f], [1f, 1f], [2]);
        Assert.Equal([2], space.Shape);
        Assert.True(space.Contains([0.5f, -1f]));
        Assert.False(space.Contains([1.5f, 0f]));
        Assert.False(space.Contains([0.5f]));
        Assert.False(space.Contains([float.NaN, 0f]));
        Assert.Throws<ArgumentException>(() => new Box([1f], [0f], [1]));
        Assert.Throws<ArgumentException>(() => new Box(0, 1, 0, 2));
    }

    [Fact]
    public void Unbounded_box_samples_finite_values()
    {
        var space = new Box(float.NegativeInfinity, float.PositiveInfinity, 100);
        space.Seed(3);
        Assert.All(space.Sample(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Text_space_checks_length_charset_and_enforced_candidates()
    {
        var free = new TextSpace(maxLength: 10, minLength: 2, charset: "ab ");
        Assert.True(free.Contains("ab ba"));
        Assert.False(free.Contains("a"));
        Assert.False(free.Contains("abc"));
        Assert.False(free.Contains(new string('a', 11)));

        var listed = new TextSpace(40, candidates: ["go left", "go right"]);
        Assert.True(listed.Contains("anything else"));
        var enforced = new TextSpace(40, candidates: ["go left", "go right"], enforceCandidates: true);
        Assert.False(enforced.Contains("anything else"));
        Assert.True(enforced.Contains("go left"));
        enforced.Seed(0);
        Assert.All(Enumerable.Range(0, 20).Select(_ => enforced.Sample()), s => Assert.Contains(s, enforced.Candidates));
    }

    [Fact]
    public void Text_space_without_candidates_samples_members()
    {
        var space = new TextSpace(maxLength: 12, minLength: 3);
        space.Seed(5);
        Assert.All(Enumerable.Range(0, 50).Select(_ => space.Sample()), s => Assert.True(space.Contains(s), s));
    }

    [Fact]
    public void Text_space_refuses_bad_configuration()
    {
        var empty = Assert.Throws<ArgumentException>(() => new TextSpace(10, candidates: [], enforceCandidates: true));
        Assert.Contains("empty", empty.Message);
        var misfit = Assert.Throws<ArgumentException>(() => new TextSpace(5, candidates: ["far too long"]));
        Assert.Contains("far too long", misfit.Message);
        Assert.Throws<ArgumentException>(() => new TextSpace(maxLength: 1, minLength: 2));
    }

    [Fact]
    public void Image_space_matches_frame_size()
    {
        var space = new ImageSpace(4, 6);
        Assert.Equal([4, 6, 3], space.Shape);
        Assert.True(space.Contains(new Image(4, 6)));
        Assert.False(space.Contains(new Image(6, 4)));
        Assert.Equal([4, 6, 3], space.AsBox().Shape);
        space.Seed(2);
        Assert.True(space.Contains(space.Sample()));
    }

    [Fact]
    public void Negative_space_seed_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(2).Seed(-1));
    }
}
