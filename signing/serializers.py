"""The signatures of a file as the API returns them: who, when, valid or not and why."""

from rest_framework import serializers


class SignatureSerializer(serializers.Serializer):
    field_name = serializers.CharField(help_text="The signature field in the PDF.")
    signer_name = serializers.CharField(help_text="The common name of the signing certificate.")
    owner = serializers.CharField(source="owner_name", help_text="The person or unit the certificate is "
                                  "registered to; empty when it is registered to no one.")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="The signing time the signature claims.")
    valid = serializers.BooleanField(help_text="Unchanged since signed, matching its certificate, issued by a "
                                     "trusted authority.")
    problem = serializers.CharField(help_text="Why it is not valid; empty when valid.")
    covers_whole_file = serializers.BooleanField()


class SignedFileSerializer(serializers.Serializer):
    stage = serializers.CharField(source="signed_file.stage")
    sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the file as read now.")
    damaged = serializers.BooleanField(help_text="The file cannot be read as a PDF: no signature counts.")
    all_valid = serializers.BooleanField()
    signatures = SignatureSerializer(many=True)

    def get_sha256(self, obj) -> str:
        return obj.sha256


class SignedUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF given out by document-pdf, signed with the leader's own "
                                 "token and nothing else changed.")
