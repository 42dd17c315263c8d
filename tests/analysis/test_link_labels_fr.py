"""The theme-recommendation links read in French in the admin and in forms."""

from django.utils import translation

from analysis.models import ThemeRecommendationLink


def test_link_labels_are_french():
    with translation.override("fr"):
        meta = ThemeRecommendationLink._meta
        assert str(meta.verbose_name) == "lien thème-recommandation"
        assert str(meta.verbose_name_plural) == "liens thème-recommandation"
        assert str(meta.get_field("score").verbose_name) == "similarité suggérée par Pacte"
